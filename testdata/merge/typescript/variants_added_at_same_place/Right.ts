enum Color {
  Red,
  Green,
  Yellow,
}

export function sub(a: number, b: number): number {
  return a - b;
}
