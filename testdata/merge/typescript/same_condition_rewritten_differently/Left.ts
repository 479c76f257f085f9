export function allowed(age: number, member: boolean): boolean {
  if (age >= 21 && member) {
    return true;
  }
  return false;
}
