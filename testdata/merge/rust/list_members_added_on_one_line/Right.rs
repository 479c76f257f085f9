#[derive(Debug, PartialEq)]
pub struct Point<T: Copy + Send> {
    x: T,
}

pub fn origin() -> Point<u8> {
    Point { x: 1 }
}
