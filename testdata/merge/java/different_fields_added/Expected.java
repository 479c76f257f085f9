package calc;

public class Calc {
    static class Config {
        String name;
        boolean verbose;
        int retries;
        long timeoutMs;
    }

    public int sub(int a, int b) {
        return a - b;
    }
}
