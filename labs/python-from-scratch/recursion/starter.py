def factorial(n):
    """n! = 1 * 2 * ... * n, and 0! = 1"""
    return 1


def sum_digits(n):
    """4096 -> 4 + 0 + 9 + 6 = 19"""
    return 0


def flatten(items):
    """[1, [2, [3, 4]], 5] -> [1, 2, 3, 4, 5]"""
    return items
