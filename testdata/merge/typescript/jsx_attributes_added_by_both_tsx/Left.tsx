export function Button() {
  return <button type="button" className="primary">Go</button>;
}
