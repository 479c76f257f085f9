export function compute(x) {
  return x + 2;
}

export function other() {
  return 7;
}
