export function Badge({ age, member }: Props) {
  if (age >= 21 && member) {
    return <span>adult</span>;
  }
  return null;
}
