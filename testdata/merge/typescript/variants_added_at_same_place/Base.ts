enum Color {
  Red,
  Green,
}

export function sub(a: number, b: number): number {
  return a - b;
}
