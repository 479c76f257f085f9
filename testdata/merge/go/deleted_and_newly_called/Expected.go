package calc

<<<<<<< ours
||||||| base
func helper() int {
	return 41
}
=======
func helper() int {
	return 41
}
>>>>>>> theirs
func main() {
	fmt.Println("start")
	fmt.Println(helper() + 1)
}
