pub fn sum_all(items: &[u32]) -> u32 {
    items.iter().sum()
}
<<<<<<< ours
||||||| base
pub fn total(items: &[u32]) -> u32 {
    items.iter().sum()
}
=======
pub fn total(items: &[u32]) -> u32 {
    items.iter().copied().sum()
}
>>>>>>> theirs

pub fn count(items: &[u32]) -> usize {
    items.len()
}
