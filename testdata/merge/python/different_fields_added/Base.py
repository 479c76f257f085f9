class Config:
    name: str
    verbose: bool


def sub(a, b):
    return a - b
