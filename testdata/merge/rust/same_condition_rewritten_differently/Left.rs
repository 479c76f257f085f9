pub fn allowed(age: u32, member: bool) -> bool {
    if age >= 21 && member {
        return true;
    }
    false
}
