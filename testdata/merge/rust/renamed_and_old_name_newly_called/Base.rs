pub fn compute(x: u32) -> u32 {
    x + 1
}

pub fn other() -> u32 {
    7
}
