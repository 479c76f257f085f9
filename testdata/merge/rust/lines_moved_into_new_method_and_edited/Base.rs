impl Mower {
    fn find_station(&self) -> Option<&Station> {
        self.stations().iter().find(|station| {
            station.id == "home"
                && !station.occupied
                && station.color == Color::Red
        })
    }
}
