<<<<<<< ours
||||||| base
function helper() {
  return 41;
}
=======
function helper() {
  return 41;
}
>>>>>>> theirs
function main() {
  console.log("start");
  console.log(helper() + 1);
}
