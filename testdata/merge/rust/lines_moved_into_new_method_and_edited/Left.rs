impl Mower {
    fn find_station(&self) -> Option<&Station> {
        self.stations().iter().find(|station| self.suits(station))
    }

    fn suits(&self, station: &Station) -> bool {
        station.id == self.home_id
            && !station.occupied
            && station.color == Color::Red
    }
}
