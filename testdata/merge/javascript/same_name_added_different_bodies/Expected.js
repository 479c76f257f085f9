/** Adds two numbers. */
export function add(a, b) {
  const start = Date.now();
  const total = a + b;
  log(total, start);
  return total;
}
<<<<<<< ours

function neg(a) {
  return -a;
}
||||||| base
=======

function neg(a) {
  return 0 - a;
}
>>>>>>> theirs
