use std::collections::{BTreeMap, HashMap, HashSet};

pub fn f() -> usize {
    0
}
