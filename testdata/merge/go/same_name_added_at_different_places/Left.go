package shapes

func Clamp(a int) int {
	return max(a, 0)
}

func First(a int) int {
	return a + 1
}

func Second(a int) int {
	return a + 2
}
