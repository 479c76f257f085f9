pub struct Meters(f64);

#[inline]
pub fn total(xs: &[f64]) -> f64 {
    xs.iter().sum()
}
