#[derive(Debug, Clone, PartialEq)]
pub struct Point<T: Copy + Default + Send> {
    x: T,
}

pub fn origin() -> Point<u8> {
    Point { x: 1, y: 0 }
}
