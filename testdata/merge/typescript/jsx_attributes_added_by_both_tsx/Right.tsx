export function Button() {
  return <button type="button" onClick={go}>Go</button>;
}
