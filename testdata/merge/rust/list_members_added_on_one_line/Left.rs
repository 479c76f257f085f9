#[derive(Debug, Clone)]
pub struct Point<T: Copy + Default> {
    x: T,
}

pub fn origin() -> Point<u8> {
    Point { x: 0, y: 0 }
}
