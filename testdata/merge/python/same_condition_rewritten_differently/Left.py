def allowed(age, member):
    if age >= 21 and member:
        return True
    return False
