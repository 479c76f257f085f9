export class Store {
  name(): string {
    return "store";
  }
}
