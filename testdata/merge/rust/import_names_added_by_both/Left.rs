use std::collections::{HashMap, HashSet};

pub fn f() -> usize {
    0
}
