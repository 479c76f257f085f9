use std::collections::{HashMap, HashSet, BTreeMap};

pub fn f() -> usize {
    0
}
