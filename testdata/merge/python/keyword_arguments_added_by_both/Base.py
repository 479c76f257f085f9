def main():
    run("job", retries=1)
    print("ran")
    log("done")
