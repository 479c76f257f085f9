export function calculate(x) {
  return x + 2;
}

export function other() {
  return 7;
}
