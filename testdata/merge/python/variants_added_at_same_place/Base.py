class Color(Enum):
    RED = 1
    GREEN = 2


def sub(a, b):
    return a - b
