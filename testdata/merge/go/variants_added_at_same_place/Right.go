package calc

const (
	Red = iota
	Green
	Yellow
)

func Sub(a int, b int) int {
	return a - b
}
