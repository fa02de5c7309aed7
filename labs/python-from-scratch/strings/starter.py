def shout(text):
    """'  hello there ' -> 'HELLO THERE!'"""
    return text


def initials(full_name):
    """'ada lovelace' -> 'A.L.'"""
    return ""


def mask(card):
    """'1234567812345678' -> '************5678'"""
    return card


def domain(email):
    """'Ada@Example.COM' -> 'example.com'"""
    return ""


def price_tag(name, price):
    """('tea', 2.5) -> 'tea.........    2.50'"""
    return name
