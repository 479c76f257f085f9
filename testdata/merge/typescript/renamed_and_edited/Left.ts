export function calculate(x: number): number {
  return x + 1;
}

export function other(): number {
  return 7;
}
