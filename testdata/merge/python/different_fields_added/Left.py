class Config:
    name: str
    verbose: bool
    retries: int


def sub(a, b):
    return a - b
