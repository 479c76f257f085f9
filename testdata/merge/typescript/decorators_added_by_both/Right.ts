export class Store {
  @traced()
  name(): string {
    return "store";
  }
}
