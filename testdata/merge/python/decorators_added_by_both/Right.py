import functools


@traced
def load(path):
    return open(path).read()
