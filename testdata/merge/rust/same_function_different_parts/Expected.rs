pub fn process(items: &[u32]) -> u32 {
    let mut total: u32 = 0;
    for item in items {
        total += item;
    }
    let average = total / items.len() as u32;
    eprintln!("average {average}");
    total
}
