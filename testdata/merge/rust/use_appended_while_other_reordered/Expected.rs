use std::fs;
use crate::store::Store;
use std::io;

fn f() {}
