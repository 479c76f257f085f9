<<<<<<< ours
||||||| base
function helper(): number {
  return 41;
}
=======
function helper(): number {
  return 41;
}
>>>>>>> theirs
function main(): void {
  console.log("start");
  console.log(helper() + 1);
}
