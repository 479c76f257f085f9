class Color {
  static RED = 1;
  static GREEN = 2;
}

export function sub(a, b) {
  return a - b;
}
