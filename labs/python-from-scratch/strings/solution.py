def shout(text):
    """'  hello there ' -> 'HELLO THERE!'"""
    return text.strip().upper() + "!"


def initials(full_name):
    """'ada lovelace' -> 'A.L.'"""
    first, last = full_name.split()
    return first[0].upper() + "." + last[0].upper() + "."


def mask(card):
    """'1234567812345678' -> '************5678'"""
    return "*" * (len(card) - 4) + card[-4:]


def domain(email):
    """'Ada@Example.COM' -> 'example.com'"""
    at = email.find("@")
    return email[at + 1:].lower()


def price_tag(name, price):
    """('tea', 2.5) -> 'tea.........    2.50'"""
    return f"{name:.<12}{price:>8.2f}"
