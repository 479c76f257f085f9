def main():
    run("job", retries=1, timeout=30, verbose=True)
    print("ran")
<<<<<<< ours
    log("done", level=2)
||||||| base
    log("done")
=======
    log("done", level=3)
>>>>>>> theirs
