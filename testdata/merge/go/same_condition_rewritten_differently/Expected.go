package policy

func Allowed(age int, member bool) bool {
<<<<<<< ours
	if age >= 21 && member {
||||||| base
	if age >= 18 && member {
=======
	if age > 18 || member {
>>>>>>> theirs
		return true
	}
	return false
}
