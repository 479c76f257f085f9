import os
import json


def sub(a, b):
    return a - b
