package calc

func Process(items []int) int {
	total := 0
	for _, item := range items {
		total += item
	}
	average := total / len(items)
	fmt.Println(average)
	return total
}
