def process(items):
    total: int = 0
    for item in items:
        total += item
    average = total / len(items)
    print(f"average {average}")
    return total
