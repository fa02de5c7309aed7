import sys


def to_number(text, default=0):
    """The number in text as a float, or default if it is not a number."""
    return float(text)


def parse_age(text):
    """The age in text, from 0 to 150. Raises ValueError otherwise."""
    return int(text)


def main():
    age = parse_age(input())
    print(f"Next year you will be {age + 1}.")


if __name__ == "__main__":
    main()
