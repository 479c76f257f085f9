from sys import byteorder, hexversion, argv


def f():
    return 0
