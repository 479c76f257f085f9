class Meter {
    long read() {
        return 2;
    }
}
