pub struct Config {
    pub name: String,
    pub verbose: bool,
    pub retries: u32
}
