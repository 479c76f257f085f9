pub fn allowed(age: u32, member: bool) -> bool {
    if age > 18 || member {
        return true;
    }
    false
}
