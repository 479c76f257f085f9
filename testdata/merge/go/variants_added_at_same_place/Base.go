package calc

const (
	Red = iota
	Green
)

func Sub(a int, b int) int {
	return a - b
}
