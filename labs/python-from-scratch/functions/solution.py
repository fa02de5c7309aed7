import math


def greet(name, greeting="Hello"):
    """greet("Ada") -> "Hello, Ada!" """
    return f"{greeting}, {name}!"


def hypotenuse(a, b):
    """The square root of a*a + b*b."""
    return math.sqrt(a * a + b * b)


def distance(x1, y1, x2, y2):
    """The distance between (x1, y1) and (x2, y2)."""
    return hypotenuse(x2 - x1, y2 - y1)


def clamp(value, low=0, high=100):
    """value, kept between low and high."""
    if low > high:
        raise ValueError("low must not be greater than high")
    if value < low:
        return low
    if value > high:
        return high
    return value
