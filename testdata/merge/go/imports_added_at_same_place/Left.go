package calc

import (
	"fmt"
	"os"
)

func Sub(a int, b int) int {
	return a - b
}
