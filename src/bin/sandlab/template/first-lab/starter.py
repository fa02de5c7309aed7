def greet(name):
    """greet("Ada") -> "Hello, Ada!" """
    return ""


if __name__ == "__main__":
    print(greet(input()))
