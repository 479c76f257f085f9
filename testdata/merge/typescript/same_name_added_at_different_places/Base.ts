export class Shape {
  first(): number {
    return 1;
  }

  second(): number {
    return 2;
  }
}
