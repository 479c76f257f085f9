package calc

const (
	Red = iota
	Green
	Blue
	Yellow
)

func Sub(a int, b int) int {
	return a - b
}
