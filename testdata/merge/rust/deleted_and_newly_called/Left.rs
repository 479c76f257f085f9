fn main() {
    println!("start");
}
