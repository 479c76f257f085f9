public class Box<T extends Number> {
    int size() {
        return 1;
    }

    int weight() {
        return 2;
    }
}
