from sys import byteorder, argv


def f():
    return 0
