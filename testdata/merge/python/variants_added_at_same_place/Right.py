class Color(Enum):
    RED = 1
    GREEN = 2
    YELLOW = 4


def sub(a, b):
    return a - b
