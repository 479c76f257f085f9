def add(a, b):
    """Adds two numbers."""
    total = a + b
    log(total)
    return int(total)


def sub(a, b):
    return a - b
