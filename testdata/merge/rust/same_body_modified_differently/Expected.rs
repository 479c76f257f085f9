/// Adds two numbers.
pub fn add(a: i32, b: i32) -> i32 {
<<<<<<< ours
    let sum = a * b;
||||||| base
    let sum = a + b;
=======
    let sum = a - b;
>>>>>>> theirs
    sum
}

pub fn sub(a: i32, b: i32) -> i32 {
    a - b
}
