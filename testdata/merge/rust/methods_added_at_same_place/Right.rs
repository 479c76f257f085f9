pub struct Stack {
    items: Vec<u32>,
}

impl Stack {
    pub fn push(&mut self, v: u32) {
        self.items.push(v);
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }
}
