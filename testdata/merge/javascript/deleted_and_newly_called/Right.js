function helper() {
  return 41;
}

function main() {
  console.log("start");
  console.log(helper() + 1);
}
