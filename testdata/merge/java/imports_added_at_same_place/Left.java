package calc;

import java.util.List;
import java.util.Map;

public class Calc {
    public int sub(int a, int b) {
        return a - b;
    }
}
