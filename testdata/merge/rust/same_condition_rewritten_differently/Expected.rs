pub fn allowed(age: u32, member: bool) -> bool {
<<<<<<< ours
    if age >= 21 && member {
||||||| base
    if age >= 18 && member {
=======
    if age > 18 || member {
>>>>>>> theirs
        return true;
    }
    false
}
