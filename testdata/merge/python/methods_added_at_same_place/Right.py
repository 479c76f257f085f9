class Stack:
    def __init__(self):
        self.items = []

    def size(self):
        return len(self.items)
