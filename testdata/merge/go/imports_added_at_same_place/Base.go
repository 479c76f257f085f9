package calc

import (
	"fmt"
)

func Sub(a int, b int) int {
	return a - b
}
