export function clamp(a) {
  return Math.max(a, 0);
}

export function first(a) {
  return a + 1;
}

export function second(a) {
  return a + 2;
}
