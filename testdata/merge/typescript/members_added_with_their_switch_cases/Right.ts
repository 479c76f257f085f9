export enum Color {
  Red,
  Green,
  Yellow,
}

export function code(c: Color): number {
  switch (c) {
    case Color.Red:
      return 1;
    case Color.Green:
      return 2;
    case Color.Yellow:
      return 4;
  }
  return 0;
}
