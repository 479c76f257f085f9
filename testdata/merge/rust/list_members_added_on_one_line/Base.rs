#[derive(Debug)]
pub struct Point<T: Copy> {
    x: T,
}

pub fn origin() -> Point<u8> {
    Point { x: 0 }
}
