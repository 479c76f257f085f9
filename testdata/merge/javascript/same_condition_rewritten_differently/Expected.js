export function allowed(age, member) {
<<<<<<< ours
  if (age >= 21 && member) {
||||||| base
  if (age >= 18 && member) {
=======
  if (age > 18 || member) {
>>>>>>> theirs
    return true;
  }
  return false;
}
