class Mower {
    Station findStation() {
        for (Station station : stations()) {
            if (station.id.equals("home")
                    && station.color == Color.RED
                    && !station.occupied
                    && station.charged) {
                return station;
            }
        }
        return null;
    }
}
