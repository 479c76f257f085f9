class Calc {
    int compute(int x) {
        return x + 1;
    }

    int other() {
        return 7;
    }
}
