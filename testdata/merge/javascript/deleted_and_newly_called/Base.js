function helper() {
  return 41;
}

function main() {
  console.log("start");
}
