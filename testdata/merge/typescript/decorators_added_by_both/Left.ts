export class Store {
  @memo
  name(): string {
    return "store";
  }
}
