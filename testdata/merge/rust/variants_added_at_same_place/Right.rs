pub enum Color {
    Red,
    Green,
    Yellow,
}

pub fn sub(a: i32, b: i32) -> i32 {
    a - b
}
