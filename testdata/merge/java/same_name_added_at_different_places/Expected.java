public class Shape {

    int first() {
        return 1;
    }

    int second() {
        return 2;
    }
<<<<<<< ours
    int area() {
        return 0;
    }
||||||| base
=======

    int area() {
        return w * h;
    }
>>>>>>> theirs
}
