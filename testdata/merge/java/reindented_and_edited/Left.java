class Meter {
  int read() {
    return 1;
  }
}
