fn helper() -> u32 {
    41
}

fn main() {
    println!("start");
    println!("{}", helper() + 1);
}
