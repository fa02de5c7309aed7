def grade(score):
    """The letter for a score from 0 to 100: A, B, C, D or F."""
    return "F"


def is_leap_year(year):
    """True if year is a leap year."""
    return False


def triangle(a, b, c):
    """'impossible', 'equilateral', 'isosceles' or 'scalene'."""
    return "scalene"
