def add(a, b, c=0):
    """Adds two numbers."""
    total = a + b
    log(total)
    return total


def sub(a, b):
    return a - b
