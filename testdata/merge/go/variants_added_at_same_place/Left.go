package calc

const (
	Red = iota
	Green
	Blue
)

func Sub(a int, b int) int {
	return a - b
}
