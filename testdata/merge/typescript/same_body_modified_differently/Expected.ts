/** Adds two numbers. */
export function add(a: number, b: number): number {
  const start = Date.now();
<<<<<<< ours
  const total = a * b;
||||||| base
  const total = a + b;
=======
  const total = a - b;
>>>>>>> theirs
  log(total, start);
  return total;
}

export function sub(a: number, b: number): number {
  return a - b;
}
