pub fn clamp(a: i32) -> i32 {
    a.max(0)
}

pub fn first(a: i32) -> i32 {
    a + 1
}

pub fn second(a: i32) -> i32 {
    a + 2
}
