export function allowed(age, member) {
  if (age >= 21 && member) {
    return true;
  }
  return false;
}
