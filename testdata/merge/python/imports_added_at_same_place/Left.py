import os
import sys


def sub(a, b):
    return a - b
