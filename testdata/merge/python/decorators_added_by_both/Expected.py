import functools


@functools.cache
@traced
def load(path):
    return open(path).read()
