package calc

import (
	"fmt"
	"os"
	"strings"
)

func Sub(a int, b int) int {
	return a - b
}
