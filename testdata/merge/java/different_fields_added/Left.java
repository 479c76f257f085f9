package calc;

public class Calc {
    static class Config {
        String name;
        boolean verbose;
        int retries;
    }

    public int sub(int a, int b) {
        return a - b;
    }
}
