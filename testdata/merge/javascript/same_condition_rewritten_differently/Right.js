export function allowed(age, member) {
  if (age > 18 || member) {
    return true;
  }
  return false;
}
