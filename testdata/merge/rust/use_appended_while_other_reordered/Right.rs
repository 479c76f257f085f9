use crate::store::Store;
use std::fs;
use std::io;

fn f() {}
