
export function first(a) {
  return a + 1;
}

export function second(a) {
  return a + 2;
}
<<<<<<< ours
export function clamp(a) {
  return Math.max(a, 0);
}
||||||| base
=======

export function clamp(a) {
  return Math.min(a, 100);
}
>>>>>>> theirs
