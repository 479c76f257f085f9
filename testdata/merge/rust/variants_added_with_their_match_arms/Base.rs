pub enum Color {
    Red,
    Green,
}

pub fn code(c: Color) -> u32 {
    match c {
        Color::Red => 1,
        Color::Green => 2,
    }
}
