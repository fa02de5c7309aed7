import sys


def to_number(text, default=0):
    """The number in text as a float, or default if it is not a number."""
    try:
        return float(text)
    except ValueError:
        return default


def parse_age(text):
    """The age in text, from 0 to 150. Raises ValueError otherwise."""
    age = int(text)
    if age < 0 or age > 150:
        raise ValueError(f"age out of range: {age}")
    return age


def main():
    try:
        age = parse_age(input())
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
    print(f"Next year you will be {age + 1}.")


if __name__ == "__main__":
    main()
