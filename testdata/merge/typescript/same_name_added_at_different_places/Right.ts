export class Shape {
  first(): number {
    return 1;
  }

  second(): number {
    return 2;
  }

  area(): number {
    return this.w * this.h;
  }
}
