package calc

// Add adds two numbers.
func Add(a int, b int) int {
	start := now()
	total := a + b
	log(total, start)
	return total
}
<<<<<<< ours

func Neg(a int) int {
	return -a
}
||||||| base
=======

func Neg(a int) int {
	return 0 - a
}
>>>>>>> theirs
