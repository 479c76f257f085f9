class Shape:

    def first(self):
        return 1

    def second(self):
        return 2
<<<<<<< ours
    def area(self):
        return 0
||||||| base
=======

    def area(self):
        return self.w * self.h
>>>>>>> theirs
