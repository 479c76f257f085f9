class Config:
    name: str
    verbose: bool
    timeout_ms: int


def sub(a, b):
    return a - b
