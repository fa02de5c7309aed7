def fib(n):
    """The n-th Fibonacci number: 0, 1, 1, 2, 3, 5, 8, ..."""
    previous, current = 0, 1
    for _ in range(n):
        previous, current = current, previous + current
    return previous


def main():
    """Prints the essay's words that are not in the dictionary, then a count."""
    with open("dictionary.txt") as f:
        dictionary = set(f.read().split())
    with open("essay.txt") as f:
        text = f.read()
    unknown = []
    reported = set()
    for word in text.split():
        word = word.strip('.,!?;:"()').lower()
        if word != "" and word not in dictionary and word not in reported:
            reported.add(word)
            unknown.append(word)
    for word in unknown:
        print(word)
    print(f"unknown words: {len(unknown)}")


if __name__ == "__main__":
    main()
