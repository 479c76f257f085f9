export function first(a) {
  return a + 1;
}

export function second(a) {
  return a + 2;
}

export function clamp(a) {
  return Math.min(a, 100);
}
