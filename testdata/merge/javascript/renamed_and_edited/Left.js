export function calculate(x) {
  return x + 1;
}

export function other() {
  return 7;
}
