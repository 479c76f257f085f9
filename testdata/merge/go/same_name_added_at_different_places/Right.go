package shapes

func First(a int) int {
	return a + 1
}

func Second(a int) int {
	return a + 2
}

func Clamp(a int) int {
	return min(a, 100)
}
