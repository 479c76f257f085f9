function helper(): number {
  return 41;
}

function main(): void {
  console.log("start");
  console.log(helper() + 1);
}
