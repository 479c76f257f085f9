use std::fmt;
use std::collections::HashMap;

pub fn sub(a: i32, b: i32) -> i32 {
    a - b
}
