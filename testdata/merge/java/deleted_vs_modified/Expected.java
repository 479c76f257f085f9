package calc;

public class Calc {
    /** Adds two numbers. */
    public int add(int a, int b) {
        long start = System.nanoTime();
        int total = a + b;
        log(total, start);
        return total;
    }
<<<<<<< ours
||||||| base

    public int sub(int a, int b) {
        return a - b;
    }
=======

    public int sub(int a, int b) {
        return Math.max(a - b, 0);
    }
>>>>>>> theirs
}
