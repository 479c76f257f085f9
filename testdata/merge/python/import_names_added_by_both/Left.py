from sys import byteorder, hexversion


def f():
    return 0
