package calc;

public class Calc {
<<<<<<< ours
||||||| base
    private int helper() {
        return 41;
    }
=======
    private int helper() {
        return 41;
    }
>>>>>>> theirs
    public void run() {
        System.out.println("start");
        System.out.println(helper() + 1);
    }
}
