package main

func code(c string) int {
	switch c {
	case "red":
		return 1
	case "green":
		return 2
	case "blue":
		return 3
	case "yellow":
		return 4
	}
	return 0
}
