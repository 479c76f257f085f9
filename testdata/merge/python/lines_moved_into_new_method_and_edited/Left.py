class Mower:
    def find_station(self):
        for station in self.stations():
            if self.suits(station):
                return station
        return None

    def suits(self, station):
        return (station.id == self.home_id
                and station.color == "red"
                and not station.occupied
                and station.charged)
