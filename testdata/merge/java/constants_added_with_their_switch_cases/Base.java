enum Color {
    RED,
    GREEN,
}

class Codes {
    static int code(Color c) {
        switch (c) {
            case RED:
                return 1;
            case GREEN:
                return 2;
        }
        return 0;
    }
}
