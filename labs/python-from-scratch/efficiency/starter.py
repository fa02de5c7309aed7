def fib(n):
    """The n-th Fibonacci number: 0, 1, 1, 2, 3, 5, 8, ..."""
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def main():
    """Prints the essay's words that are not in the dictionary, then a count."""
    with open("dictionary.txt") as f:
        dictionary = f.read().split()
    with open("essay.txt") as f:
        text = f.read()
    unknown = []
    for word in text.split():
        word = word.strip('.,!?;:"()').lower()
        if word != "" and word not in dictionary and word not in unknown:
            unknown.append(word)
    for word in unknown:
        print(word)
    print(f"unknown words: {len(unknown)}")


if __name__ == "__main__":
    main()
