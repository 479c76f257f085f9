package calc

import (
	"fmt"
	"strings"
)

func Sub(a int, b int) int {
	return a - b
}
