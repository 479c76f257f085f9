package calc;

public class Calc {
    /** Adds two numbers. */
    public int add(int a, int b) {
        long start = System.nanoTime();
<<<<<<< ours
        int total = a * b;
||||||| base
        int total = a + b;
=======
        int total = a - b;
>>>>>>> theirs
        log(total, start);
        return total;
    }

    public int sub(int a, int b) {
        return a - b;
    }
}
