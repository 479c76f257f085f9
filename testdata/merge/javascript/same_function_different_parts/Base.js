function process(items) {
  let total = 0;
  for (const item of items) {
    total += item;
  }
  const average = total / items.length;
  console.log(`average ${average}`);
  return total;
}
