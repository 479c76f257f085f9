package calc;

public class Calc {
    enum Color {
        RED,
        GREEN,
        YELLOW,
    }

    public int sub(int a, int b) {
        return a - b;
    }
}
