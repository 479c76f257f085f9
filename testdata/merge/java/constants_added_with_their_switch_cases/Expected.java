enum Color {
    RED,
    GREEN,
    BLUE,
    YELLOW,
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
            case YELLOW:
                return 4;
        }
        return 0;
    }
}
