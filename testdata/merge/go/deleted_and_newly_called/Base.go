package calc

func helper() int {
	return 41
}

func main() {
	fmt.Println("start")
}
