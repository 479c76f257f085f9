pub enum Color {
    Red,
    Green,
    Blue,
    Yellow,
}

pub fn code(c: Color) -> u32 {
    match c {
        Color::Red => 1,
        Color::Green => 2,
        Color::Blue => 3,
        Color::Yellow => 4,
    }
}
