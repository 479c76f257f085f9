enum Color {
  Red,
  Green,
  Blue,
  Yellow,
}

export function sub(a: number, b: number): number {
  return a - b;
}
