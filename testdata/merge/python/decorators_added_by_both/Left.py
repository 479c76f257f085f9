import functools


@functools.cache
def load(path):
    return open(path).read()
