use std::collections::{HashMap, HashSet};
use std::fmt;

pub fn f() -> usize {
    0
}
