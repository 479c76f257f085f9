function main(): void {
  console.log("start");
}
