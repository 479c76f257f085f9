package main

func compute(x int) int {
	return x + 1
}

func other() int {
	return 7
}
