import math


def greet(name, greeting="Hello"):
    """greet("Ada") -> "Hello, Ada!" """
    return ""


def hypotenuse(a, b):
    """The square root of a*a + b*b."""
    return 0.0


def distance(x1, y1, x2, y2):
    """The distance between (x1, y1) and (x2, y2)."""
    return 0.0


# Write clamp(value, low=0, high=100) here: add the missing parameters.
def clamp(value):
    return value
