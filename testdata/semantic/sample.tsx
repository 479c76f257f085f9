import React from "react";

type Props = { title: string; items: string[] };

export const List = ({ title, items }: Props) => {
  return (
    <section>
      <h1>{title}</h1>
      <ul>{items.map((i) => <li key={i}>{format(i)}</li>)}</ul>
    </section>
  );
};

function format(item: string): string {
  return item.toUpperCase();
}

export default function App() {
  return <List title="Todo" items={["a", "b"]} />;
}
