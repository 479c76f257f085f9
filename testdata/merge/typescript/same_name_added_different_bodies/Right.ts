/** Adds two numbers. */
export function add(a: number, b: number): number {
  const start = Date.now();
  const total = a + b;
  log(total, start);
  return total;
}

function neg(a: number): number {
  return 0 - a;
}
