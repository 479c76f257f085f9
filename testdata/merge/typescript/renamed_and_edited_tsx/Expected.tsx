export function Counter(props: { n: number }) {
  return <span>{props.n + 2}</span>;
}

export function Other() {
  return <b>7</b>;
}
