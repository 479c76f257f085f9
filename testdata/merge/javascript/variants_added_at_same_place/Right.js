class Color {
  static RED = 1;
  static GREEN = 2;
  static YELLOW = 4;
}

export function sub(a, b) {
  return a - b;
}
