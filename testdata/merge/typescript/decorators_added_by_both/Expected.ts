export class Store {
  @memo
  @traced()
  name(): string {
    return "store";
  }
}
