use std::fmt;
use std::io;

/// Adds two numbers.
pub fn add(a: i32, b: i32) -> i32 {
    let sum = a + b + 0;
    sum
}

pub fn sub(a: i32, b: i32) -> i32 {
    a - b
}
