/** Adds two numbers. */
export function add(a: number, b: number): number {
  const start = Date.now();
  const total = a + b;
  log(total, start);
  return total;
}
<<<<<<< ours

function neg(a: number): number {
  return -a;
}
||||||| base
=======

function neg(a: number): number {
  return 0 - a;
}
>>>>>>> theirs
