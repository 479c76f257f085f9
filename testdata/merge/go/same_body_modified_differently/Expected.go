package calc

// Add adds two numbers.
func Add(a int, b int) int {
	start := now()
<<<<<<< ours
	total := a * b
||||||| base
	total := a + b
=======
	total := a - b
>>>>>>> theirs
	log(total, start)
	return total
}

func Sub(a int, b int) int {
	return a - b
}
