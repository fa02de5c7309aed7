def grade(score):
    """The letter for a score from 0 to 100: A, B, C, D or F."""
    if score >= 90:
        return "A"
    elif score >= 80:
        return "B"
    elif score >= 70:
        return "C"
    elif score >= 60:
        return "D"
    else:
        return "F"


def is_leap_year(year):
    """True if year is a leap year."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def triangle(a, b, c):
    """'impossible', 'equilateral', 'isosceles' or 'scalene'."""
    if a >= b + c or b >= a + c or c >= a + b:
        return "impossible"
    elif a == b == c:
        return "equilateral"
    elif a == b or b == c or a == c:
        return "isosceles"
    else:
        return "scalene"
