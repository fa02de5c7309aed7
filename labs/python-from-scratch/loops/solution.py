def sum_of_squares(n):
    """1*1 + 2*2 + ... + n*n"""
    total = 0
    for i in range(1, n + 1):
        total += i * i
    return total


def collatz_steps(n):
    """How many steps it takes to get from n down to 1."""
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def main():
    """Reads whole numbers until 'done'; prints their count, total and largest."""
    count = 0
    total = 0
    largest = 0
    while True:
        line = input()
        if line == "done":
            break
        number = int(line)
        if count == 0 or number > largest:
            largest = number
        count += 1
        total += number
    if count == 0:
        print("no numbers")
    else:
        print(f"count: {count}")
        print(f"total: {total}")
        print(f"largest: {largest}")


if __name__ == "__main__":
    main()
