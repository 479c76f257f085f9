/** Adds two numbers. */
export function add(a, b) {
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

export function sub(a, b) {
  return a - b;
}
