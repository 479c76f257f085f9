def add(a, b):
    """Adds two numbers."""
    total = a + b
    log(total)
    return total
<<<<<<< ours
||||||| base


def sub(a, b):
    return a - b
=======


def sub(a, b):
    return max(a - b, 0)
>>>>>>> theirs
