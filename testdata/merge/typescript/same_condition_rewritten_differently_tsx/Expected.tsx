export function Badge({ age, member }: Props) {
<<<<<<< ours
  if (age >= 21 && member) {
||||||| base
  if (age >= 18 && member) {
=======
  if (age > 18 || member) {
>>>>>>> theirs
    return <span>adult</span>;
  }
  return null;
}
