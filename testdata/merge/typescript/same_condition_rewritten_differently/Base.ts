export function allowed(age: number, member: boolean): boolean {
  if (age >= 18 && member) {
    return true;
  }
  return false;
}
