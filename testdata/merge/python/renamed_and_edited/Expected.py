def calculate(x):
    return x + 2


def other():
    return 7
