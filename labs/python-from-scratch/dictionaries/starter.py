def word_counts(text):
    """How many times each word (lower case, no punctuation at its ends) occurs."""
    counts = {}
    return counts


def most_common_word(text):
    """The most frequent word; the earliest one if several tie; "" if none."""
    return ""


def group_by_first_letter(words):
    """{first letter in lower case: [words starting with it, in order]}"""
    groups = {}
    return groups


def cart_total(cart, prices):
    """The sum of quantity * unit price over the items in the cart."""
    return 0
