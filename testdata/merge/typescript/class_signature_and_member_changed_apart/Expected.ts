export class Box<T extends number> {
  size(): number {
    return 1;
  }

  weight(): number {
    return 20;
  }
}
