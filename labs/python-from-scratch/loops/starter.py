def sum_of_squares(n):
    """1*1 + 2*2 + ... + n*n"""
    total = 0
    return total


def collatz_steps(n):
    """How many steps it takes to get from n down to 1."""
    steps = 0
    return steps


def main():
    """Reads whole numbers until 'done'; prints their count, total and largest."""
    line = input()
    print("no numbers")


if __name__ == "__main__":
    main()
