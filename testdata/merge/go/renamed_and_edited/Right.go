package main

func compute(x int) int {
	return x + 2
}

func other() int {
	return 7
}
