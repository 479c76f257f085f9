class Stack {
  constructor() {
    this.items = [];
  }

  pop() {
    return this.items.pop();
  }

  size() {
    return this.items.length;
  }
}
