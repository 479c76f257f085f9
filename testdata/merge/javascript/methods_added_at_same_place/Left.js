class Stack {
  constructor() {
    this.items = [];
  }

  pop() {
    return this.items.pop();
  }
}
