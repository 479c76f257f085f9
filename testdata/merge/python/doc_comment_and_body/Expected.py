def add(a, b):
    """Adds two numbers, as integers."""
    total = a + b
    log(total)
    return int(total)


def sub(a, b):
    return a - b
