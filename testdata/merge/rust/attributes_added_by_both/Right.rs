pub struct Meters(f64);

#[must_use]
pub fn total(xs: &[f64]) -> f64 {
    xs.iter().sum()
}
