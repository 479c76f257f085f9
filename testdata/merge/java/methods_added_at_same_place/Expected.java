package calc;

public class Calc {
    static class Stack {
        private final java.util.ArrayList<Integer> items = new java.util.ArrayList<>();

        void push(int v) {
            items.add(v);
        }

        int pop() {
            return items.remove(items.size() - 1);
        }

        int size() {
            return items.size();
        }
    }
}
