public class Box<T> {
    int size() {
        return 1;
    }

    int weight() {
        return 2;
    }
}
