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
<<<<<<< ours
    case Color.Green + 1:
      log("blue");
||||||| base
=======
    case Color.Yellow:
      return 4;
>>>>>>> theirs
  }
  return 0;
}
