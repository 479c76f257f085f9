export class Shape {

  first(): number {
    return 1;
  }

  second(): number {
    return 2;
  }
<<<<<<< ours
  area(): number {
    return 0;
  }
||||||| base
=======

  area(): number {
    return this.w * this.h;
  }
>>>>>>> theirs
}
