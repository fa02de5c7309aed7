import csv


def load_inventory(path):
    """Reads a CSV file with the columns item, price and quantity."""
    inventory = {}
    return inventory


def save_inventory(inventory, path):
    """Writes the inventory in the format load_inventory reads."""
    pass


def total_value(inventory):
    """The sum of price * quantity over all items."""
    return 0


def low_stock(inventory, limit):
    """The items with fewer than limit in stock, in alphabetical order."""
    return []


def sell(inventory, item, count):
    """Takes count of item out of stock, or raises ValueError."""
    pass


def main():
    inventory = load_inventory("inventory.csv")
    while True:
        words = input().split()
        command = words[0]
        if command == "quit":
            break
        else:
            print(f"error: unknown command: {command}")


if __name__ == "__main__":
    main()
