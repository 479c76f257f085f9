/** Adds two numbers. */
export function add(a: number, b: number): number {
  const start = Date.now();
  const total = a + b;
  log(total, start);
  return total;
}

export function mul(a: number, b: number): number {
  return a * b;
}

export function sub(a: number, b: number): number {
  return a - b;
}
