class Shape:
    def first(self):
        return 1

    def second(self):
        return 2
