class Calc {
    int compute(int x) {
        return x + 2;
    }

    int other() {
        return 7;
    }
}
