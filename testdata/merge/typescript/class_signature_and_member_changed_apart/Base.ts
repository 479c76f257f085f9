export class Box<T> {
  size(): number {
    return 1;
  }

  weight(): number {
    return 2;
  }
}
