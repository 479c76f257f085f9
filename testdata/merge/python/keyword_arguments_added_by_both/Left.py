def main():
    run("job", retries=1, timeout=30)
    print("ran")
    log("done", level=2)
