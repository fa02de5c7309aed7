def evens(numbers):
    """A new list of the even numbers, in order."""
    return []


def running_totals(numbers):
    """[3, 1, 4] -> [3, 4, 8]"""
    totals = []
    return totals


def top_three(scores):
    """The three highest scores, highest first. Leaves scores unchanged."""
    return scores


def remove_negatives(numbers):
    """Removes the negative numbers from the list itself. Returns nothing."""
    pass
