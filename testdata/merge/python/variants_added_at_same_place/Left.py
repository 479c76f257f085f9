class Color(Enum):
    RED = 1
    GREEN = 2
    BLUE = 3


def sub(a, b):
    return a - b
