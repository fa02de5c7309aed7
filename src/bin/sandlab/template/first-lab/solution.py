def greet(name):
    """greet("Ada") -> "Hello, Ada!" """
    return f"Hello, {name}!"


if __name__ == "__main__":
    print(greet(input()))
