<<<<<<< ours
pub fn calculate(x: u32) -> u32 {
    x + 1
}
||||||| base
pub fn compute(x: u32) -> u32 {
    x + 1
}
=======
pub fn compute(x: u32) -> u32 {
    x + 1
}
>>>>>>> theirs

pub fn other() -> u32 {
    compute(7)
}
