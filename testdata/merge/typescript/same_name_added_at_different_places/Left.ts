export class Shape {
  area(): number {
    return 0;
  }

  first(): number {
    return 1;
  }

  second(): number {
    return 2;
  }
}
