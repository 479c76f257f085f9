def add(a, b):
    """Adds two numbers."""
    total = a + b
    log(total)
    return total
