package main

func code(c string) int {
	switch c {
	case "red":
		return 1
	case "green":
		return 2
	}
	return 0
}
