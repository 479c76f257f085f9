package calc

// Add adds two numbers.
func Add(a int, b int) int {
	start := now()
	total := a + b
	log(total, start)
	return clamp(total)
}

func Sub(a int, b int) int {
	return a - b
}
