from main import BankAccount


def raises(error, function, *args):
    try:
        function(*args)
    except error:
        return True
    return False


def test_new_account():
    account = BankAccount("Ada", 50)
    assert account.owner == "Ada"
    assert account.balance == 50
    assert account.history == []


def test_balance_starts_at_zero():
    assert BankAccount("Alan").balance == 0


def test_deposit():
    account = BankAccount("Ada")
    account.deposit(30)
    account.deposit(12)
    assert account.balance == 42
    assert account.history == ["deposit 30", "deposit 12"]


def test_withdraw():
    account = BankAccount("Ada", 100)
    account.withdraw(30)
    assert account.balance == 70
    assert account.history == ["withdraw 30"]


def test_refusals():
    account = BankAccount("Ada", 20)
    assert raises(ValueError, account.withdraw, 25)
    assert raises(ValueError, account.deposit, 0)
    assert raises(ValueError, account.withdraw, -5)
    assert account.balance == 20
    assert account.history == []


def test_transfer():
    ada, alan = BankAccount("Ada", 100), BankAccount("Alan", 5)
    ada.transfer(alan, 40)
    assert (ada.balance, alan.balance) == (60, 45)
    assert ada.history == ["withdraw 40"]
    assert alan.history == ["deposit 40"]


def test_refused_transfer():
    ada, alan = BankAccount("Ada", 10), BankAccount("Alan", 5)
    assert raises(ValueError, ada.transfer, alan, 11)
    assert (ada.balance, alan.balance) == (10, 5)
    assert alan.history == []


def test_repr():
    assert repr(BankAccount("Ada", 50)) == "BankAccount('Ada', 50)"


def test_accounts_are_separate():
    ada, alan = BankAccount("Ada"), BankAccount("Alan")
    ada.deposit(10)
    assert alan.history == []
    assert alan.balance == 0
