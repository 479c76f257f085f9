enum Color {
  Red,
  Green,
  Blue,
}

export function sub(a: number, b: number): number {
  return a - b;
}
