public class Shape {
    int area() {
        return 0;
    }

    int first() {
        return 1;
    }

    int second() {
        return 2;
    }
}
