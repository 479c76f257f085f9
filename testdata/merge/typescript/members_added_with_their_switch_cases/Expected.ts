export enum Color {
  Red,
  Green,
  Blue,
  Yellow,
}

export function code(c: Color): number {
  switch (c) {
    case Color.Red:
      return 1;
    case Color.Green:
      return 2;
    case Color.Blue:
      return 3;
    case Color.Yellow:
      return 4;
  }
  return 0;
}
