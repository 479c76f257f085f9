class Shape:
    def area(self):
        return 0

    def first(self):
        return 1

    def second(self):
        return 2
