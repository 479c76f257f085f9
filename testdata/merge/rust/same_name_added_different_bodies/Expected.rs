/// Adds two numbers.
pub fn add(a: i32, b: i32) -> i32 {
    let sum = a + b;
    sum
}
<<<<<<< ours

pub fn neg(a: i32) -> i32 {
    -a
}
||||||| base
=======

pub fn neg(a: i32) -> i32 {
    0 - a
}
>>>>>>> theirs
