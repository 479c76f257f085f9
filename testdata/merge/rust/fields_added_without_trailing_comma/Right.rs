pub struct Config {
    pub name: String,
    pub verbose: bool,
    pub timeout_ms: u64
}
