pub fn total(items: &[u32]) -> u32 {
    items.iter().copied().sum()
}

pub fn count(items: &[u32]) -> usize {
    items.len()
}
