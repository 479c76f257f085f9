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
    case Color.Green + 1:
      log("blue");
  }
  return 0;
}
