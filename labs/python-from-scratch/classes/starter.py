class BankAccount:
    def __init__(self, owner, balance=0):
        self.owner = owner

    def deposit(self, amount):
        pass

    def withdraw(self, amount):
        pass

    def transfer(self, other, amount):
        pass
