def helper():
    return 41


def main():
    print("start")
