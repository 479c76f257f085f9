pub struct Meters(f64);

pub fn total(xs: &[f64]) -> f64 {
    xs.iter().sum()
}
