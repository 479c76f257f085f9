export function Badge({ age, member }: Props) {
  if (age > 18 || member) {
    return <span>adult</span>;
  }
  return null;
}
