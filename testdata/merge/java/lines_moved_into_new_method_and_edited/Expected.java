class Mower {
    Station findStation() {
        for (Station station : stations()) {
            if (suits(station)) {
                return station;
            }
        }
        return null;
    }

    boolean suits(Station station) {
        return station.id.equals(homeId)
            && station.color == Color.BLUE
            && !station.occupied
            && station.charged;
    }
}
