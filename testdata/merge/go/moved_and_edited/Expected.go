package calc

func Sub(a int, b int) int {
	return a - b
}

func Mul(a int, b int) int {
	return a * b
}

// Add adds two numbers.
func Add(a int, b int) int {
	start := now()
	total := a * b
	log(total, start)
	return total
}
