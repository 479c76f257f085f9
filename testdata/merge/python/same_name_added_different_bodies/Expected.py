def add(a, b):
    """Adds two numbers."""
    total = a + b
    log(total)
    return total
<<<<<<< ours


def neg(a):
    return -a
||||||| base
=======


def neg(a):
    return 0 - a
>>>>>>> theirs
