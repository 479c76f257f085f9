<<<<<<< ours
use std::collections::{HashMap, HashSet};
||||||| base
use std::collections::HashMap;
=======
use std::collections::{BTreeMap, HashMap};
>>>>>>> theirs
use std::fmt;

pub fn f() -> usize {
    0
}
