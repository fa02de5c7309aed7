def word_counts(text):
    """How many times each word (lower case, no punctuation at its ends) occurs."""
    counts = {}
    for word in text.split():
        word = word.strip(".,!?;:").lower()
        if word:
            counts[word] = counts.get(word, 0) + 1
    return counts


def most_common_word(text):
    """The most frequent word; the earliest one if several tie; "" if none."""
    counts = word_counts(text)
    best = ""
    for word, count in counts.items():
        if best == "" or count > counts[best]:
            best = word
    return best


def group_by_first_letter(words):
    """{first letter in lower case: [words starting with it, in order]}"""
    groups = {}
    for word in words:
        letter = word[0].lower()
        if letter not in groups:
            groups[letter] = []
        groups[letter].append(word)
    return groups


def cart_total(cart, prices):
    """The sum of quantity * unit price over the items in the cart."""
    total = 0
    for item, quantity in cart.items():
        total += quantity * prices[item]
    return total
