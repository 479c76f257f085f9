class Calc {
    int calculate(int x) {
        return x + 2;
    }

    int other() {
        return 7;
    }
}
