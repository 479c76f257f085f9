function helper(): number {
  return 41;
}

function main(): void {
  console.log("start");
}
