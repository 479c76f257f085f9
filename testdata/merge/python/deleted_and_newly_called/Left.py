def main():
    print("start")
