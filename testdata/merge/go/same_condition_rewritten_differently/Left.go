package policy

func Allowed(age int, member bool) bool {
	if age >= 21 && member {
		return true
	}
	return false
}
