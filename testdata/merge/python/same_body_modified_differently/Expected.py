def add(a, b):
    """Adds two numbers."""
<<<<<<< ours
    total = a * b
||||||| base
    total = a + b
=======
    total = a - b
>>>>>>> theirs
    log(total)
    return total


def sub(a, b):
    return a - b
