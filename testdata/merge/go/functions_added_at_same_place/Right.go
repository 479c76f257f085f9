package calc

// Add adds two numbers.
func Add(a int, b int) int {
	start := now()
	total := a + b
	log(total, start)
	return total
}

func Div(a int, b int) int {
	return a / b
}

func Sub(a int, b int) int {
	return a - b
}
