pub fn sum_all(items: &[u32]) -> u32 {
    items.iter().sum()
}

pub fn count(items: &[u32]) -> usize {
    items.len()
}
