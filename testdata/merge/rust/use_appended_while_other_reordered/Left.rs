use std::fs;
use crate::store::Store;

fn f() {}
