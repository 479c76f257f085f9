def allowed(age, member):
<<<<<<< ours
    if age >= 21 and member:
||||||| base
    if age >= 18 and member:
=======
    if age > 18 or member:
>>>>>>> theirs
        return True
    return False
