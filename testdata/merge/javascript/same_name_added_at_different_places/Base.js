export function first(a) {
  return a + 1;
}

export function second(a) {
  return a + 2;
}
