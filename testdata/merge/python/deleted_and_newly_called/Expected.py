<<<<<<< ours
||||||| base
def helper():
    return 41
=======
def helper():
    return 41
>>>>>>> theirs
def main():
    print("start")
    print(helper() + 1)
