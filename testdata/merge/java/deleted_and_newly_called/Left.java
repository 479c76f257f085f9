package calc;

public class Calc {
    public void run() {
        System.out.println("start");
    }
}
