export enum Color {
  Red,
  Green,
}

export function code(c: Color): number {
  switch (c) {
    case Color.Red:
      return 1;
    case Color.Green:
      return 2;
  }
  return 0;
}
