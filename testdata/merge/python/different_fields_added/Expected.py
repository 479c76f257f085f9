class Config:
    name: str
    verbose: bool
    retries: int
    timeout_ms: int


def sub(a, b):
    return a - b
