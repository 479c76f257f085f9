
pub fn first(a: i32) -> i32 {
    a + 1
}

pub fn second(a: i32) -> i32 {
    a + 2
}
<<<<<<< ours
pub fn clamp(a: i32) -> i32 {
    a.max(0)
}
||||||| base
=======

pub fn clamp(a: i32) -> i32 {
    a.min(100)
}
>>>>>>> theirs
