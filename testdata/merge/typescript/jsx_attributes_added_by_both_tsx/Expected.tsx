export function Button() {
  return <button type="button" className="primary" onClick={go}>Go</button>;
}
