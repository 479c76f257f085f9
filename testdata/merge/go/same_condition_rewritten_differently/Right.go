package policy

func Allowed(age int, member bool) bool {
	if age > 18 || member {
		return true
	}
	return false
}
