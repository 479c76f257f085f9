def helper():
    return 41


def main():
    print("start")
    print(helper() + 1)
