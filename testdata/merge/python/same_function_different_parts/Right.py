def process(items):
    total = 0
    for item in items:
        total += item
    average = total / len(items)
    log(f"average {average}")
    return total
