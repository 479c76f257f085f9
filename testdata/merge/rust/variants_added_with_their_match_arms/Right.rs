pub enum Color {
    Red,
    Green,
    Yellow,
}

pub fn code(c: Color) -> u32 {
    match c {
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 4,
    }
}
