import csv


def load_inventory(path):
    """Reads a CSV file with the columns item, price and quantity."""
    inventory = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            inventory[row["item"]] = {
                "price": float(row["price"]),
                "quantity": int(row["quantity"]),
            }
    return inventory


def save_inventory(inventory, path):
    """Writes the inventory in the format load_inventory reads."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["item", "price", "quantity"])
        for item, details in inventory.items():
            writer.writerow([item, f"{details['price']:.2f}", details["quantity"]])


def total_value(inventory):
    """The sum of price * quantity over all items."""
    total = 0
    for details in inventory.values():
        total += details["price"] * details["quantity"]
    return total


def low_stock(inventory, limit):
    """The items with fewer than limit in stock, in alphabetical order."""
    return sorted(item for item, details in inventory.items() if details["quantity"] < limit)


def sell(inventory, item, count):
    """Takes count of item out of stock, or raises ValueError."""
    if item not in inventory:
        raise ValueError(f"unknown item: {item}")
    if count <= 0:
        raise ValueError("count must be positive")
    left = inventory[item]["quantity"]
    if count > left:
        raise ValueError(f"not enough {item}: {left} left")
    inventory[item]["quantity"] = left - count


def main():
    inventory = load_inventory("inventory.csv")
    while True:
        words = input().split()
        command = words[0]
        try:
            if command == "quit":
                save_inventory(inventory, "inventory.csv")
                print("saved inventory.csv")
                break
            elif command == "stock":
                item = words[1]
                if item not in inventory:
                    raise ValueError(f"unknown item: {item}")
                print(f"{item}: {inventory[item]['quantity']}")
            elif command == "value":
                print(f"total value: {total_value(inventory):.2f}")
            elif command == "low":
                items = low_stock(inventory, int(words[1]))
                print("low stock: " + (", ".join(items) if items else "none"))
            elif command == "sell":
                count = int(words[2])
                sell(inventory, words[1], count)
                print(f"sold {count} {words[1]}")
            else:
                print(f"error: unknown command: {command}")
        except ValueError as error:
            print(f"error: {error}")


if __name__ == "__main__":
    main()
