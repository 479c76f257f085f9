def allowed(age, member):
    if age > 18 or member:
        return True
    return False
