def factorial(n):
    """n! = 1 * 2 * ... * n, and 0! = 1"""
    if n == 0:
        return 1
    return n * factorial(n - 1)


def sum_digits(n):
    """4096 -> 4 + 0 + 9 + 6 = 19"""
    if n < 10:
        return n
    return n % 10 + sum_digits(n // 10)


def flatten(items):
    """[1, [2, [3, 4]], 5] -> [1, 2, 3, 4, 5]"""
    flat = []
    for item in items:
        if isinstance(item, list):
            flat.extend(flatten(item))
        else:
            flat.append(item)
    return flat
