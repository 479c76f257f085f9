def add(a, b):
    """Adds two numbers, as integers."""
    total = a + b
    log(total)
    return total


def sub(a, b):
    return a - b
