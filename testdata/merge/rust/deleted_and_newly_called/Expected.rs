<<<<<<< ours
||||||| base
fn helper() -> u32 {
    41
}
=======
fn helper() -> u32 {
    41
}
>>>>>>> theirs
fn main() {
    println!("start");
    println!("{}", helper() + 1);
}
