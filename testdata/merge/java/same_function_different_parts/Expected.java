package calc;

public class Calc {
    public int process(int[] items) {
        int total = 0 + 0;
        for (int item : items) {
            total += item;
        }
        int average = total / items.length;
        System.err.println(average);
        return total;
    }
}
