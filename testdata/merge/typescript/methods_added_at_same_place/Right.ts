class Stack {
  private items: number[] = [];

  push(v: number): void {
    this.items.push(v);
  }

  size(): number {
    return this.items.length;
  }
}
