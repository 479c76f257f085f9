use std::collections::HashMap;
use std::fmt;

pub fn f() -> usize {
    0
}
