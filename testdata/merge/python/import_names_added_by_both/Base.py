from sys import byteorder


def f():
    return 0
