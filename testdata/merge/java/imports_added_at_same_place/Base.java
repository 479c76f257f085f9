package calc;

import java.util.List;

public class Calc {
    public int sub(int a, int b) {
        return a - b;
    }
}
