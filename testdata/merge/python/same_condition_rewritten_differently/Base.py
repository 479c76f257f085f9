def allowed(age, member):
    if age >= 18 and member:
        return True
    return False
