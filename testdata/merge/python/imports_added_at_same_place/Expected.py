import os
import sys
import json


def sub(a, b):
    return a - b
