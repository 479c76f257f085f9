package main

func calculate(x int) int {
	return x + 1
}

func other() int {
	return 7
}
