class Mower:
    def find_station(self):
        for station in self.stations():
            if (station.id == "home"
                    and station.color == "red"
                    and not station.occupied
                    and station.charged):
                return station
        return None
