class Calc {
    int calculate(int x) {
        return x + 1;
    }

    int other() {
        return 7;
    }
}
