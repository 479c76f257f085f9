package calc;

public class Calc {
    private int helper() {
        return 41;
    }

    public void run() {
        System.out.println("start");
        System.out.println(helper() + 1);
    }
}
