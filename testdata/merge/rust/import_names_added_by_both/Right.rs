use std::collections::{BTreeMap, HashMap};

pub fn f() -> usize {
    0
}
