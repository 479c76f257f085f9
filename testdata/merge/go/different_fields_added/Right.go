package calc

type Config struct {
	Name    string
	Verbose bool
	Timeout int
}

func Sub(a int, b int) int {
	return a - b
}
