def calculate(x):
    return x + 1


def other():
    return 7
