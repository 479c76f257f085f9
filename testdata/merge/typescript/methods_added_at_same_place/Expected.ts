class Stack {
  private items: number[] = [];

  push(v: number): void {
    this.items.push(v);
  }

  pop(): number | undefined {
    return this.items.pop();
  }

  size(): number {
    return this.items.length;
  }
}
