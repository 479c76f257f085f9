function main() {
  console.log("start");
}
