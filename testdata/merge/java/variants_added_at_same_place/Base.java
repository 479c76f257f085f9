package calc;

public class Calc {
    enum Color {
        RED,
        GREEN,
    }

    public int sub(int a, int b) {
        return a - b;
    }
}
