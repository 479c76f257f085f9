def main():
    run("job", retries=1, verbose=True)
    print("ran")
    log("done", level=3)
