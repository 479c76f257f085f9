export function allowed(age: number, member: boolean): boolean {
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
