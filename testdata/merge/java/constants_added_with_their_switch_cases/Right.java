enum Color {
    RED,
    GREEN,
    YELLOW,
}

class Codes {
    static int code(Color c) {
        switch (c) {
            case RED:
                return 1;
            case GREEN:
                return 2;
            case YELLOW:
                return 4;
        }
        return 0;
    }
}
