def evens(numbers):
    """A new list of the even numbers, in order."""
    return [n for n in numbers if n % 2 == 0]


def running_totals(numbers):
    """[3, 1, 4] -> [3, 4, 8]"""
    totals = []
    total = 0
    for n in numbers:
        total += n
        totals.append(total)
    return totals


def top_three(scores):
    """The three highest scores, highest first. Leaves scores unchanged."""
    return sorted(scores, reverse=True)[:3]


def remove_negatives(numbers):
    """Removes the negative numbers from the list itself. Returns nothing."""
    numbers[:] = [n for n in numbers if n >= 0]
