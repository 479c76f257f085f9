use std::collections::{HashMap};

pub fn f() -> usize {
    0
}
