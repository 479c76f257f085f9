pub enum Color {
    Red,
    Green,
    Blue,
}

pub fn code(c: Color) -> u32 {
    match c {
        Color::Red => 1,
        Color::Green => 2,
        Color::Blue => 3,
    }
}
