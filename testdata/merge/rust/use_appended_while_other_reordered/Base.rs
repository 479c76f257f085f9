use crate::store::Store;
use std::fs;

fn f() {}
