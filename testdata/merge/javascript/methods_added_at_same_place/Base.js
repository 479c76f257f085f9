class Stack {
  constructor() {
    this.items = [];
  }
}
