function process(items: number[]): number {
  let total = 0;
  for (const item of items) {
    total += item;
  }
  const average = total / items.length;
  console.error(`average ${average}`);
  return total;
}
