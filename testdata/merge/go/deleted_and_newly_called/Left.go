package calc

func main() {
	fmt.Println("start")
}
