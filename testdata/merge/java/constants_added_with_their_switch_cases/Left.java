enum Color {
    RED,
    GREEN,
    BLUE,
}

class Codes {
    static int code(Color c) {
        switch (c) {
            case RED:
                return 1;
            case GREEN:
                return 2;
            case BLUE:
                return 3;
        }
        return 0;
    }
}
