pub struct Config {
    pub name: String,
    pub verbose: bool,
    pub timeout_ms: u64,
}

pub fn sub(a: i32, b: i32) -> i32 {
    a - b
}
