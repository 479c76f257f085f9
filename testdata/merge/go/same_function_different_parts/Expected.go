package calc

func Process(items []int) int {
	var total int
	for _, item := range items {
		total += item
	}
	average := total / len(items)
	fmt.Printf("%d\n", average)
	return total
}
