package calc

type Config struct {
	Name    string
	Verbose bool
	Retries int
	Timeout int
}

func Sub(a int, b int) int {
	return a - b
}
