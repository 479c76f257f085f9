use std::collections::{BTreeMap, HashMap};
use std::fmt;

pub fn f() -> usize {
    0
}
