# Read the three lines of input.
item = input()
price = input()       # this is text: convert it to a number
quantity = input()    # this is text too: convert it to a whole number

# Print the receipt, one print() per line.
print(f"Item: {item}")
