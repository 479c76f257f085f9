class Stack {
  constructor() {
    this.items = [];
  }

  size() {
    return this.items.length;
  }
}
