/** Adds two numbers, rounding down. */
export function add(a: number, b: number): number {
  const start = Date.now();
  const total = a + b;
  log(total, start);
  return Math.floor(total);
}

export function sub(a: number, b: number): number {
  return a - b;
}
