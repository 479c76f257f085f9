export function calculate(x: number): number {
  return x + 2;
}

export function other(): number {
  return 7;
}
