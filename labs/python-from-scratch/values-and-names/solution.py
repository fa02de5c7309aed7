item = input()
price = float(input())
quantity = int(input())

total = price * quantity
boxes = quantity // 6
left_over = quantity % 6

print(f"Item: {item}")
print(f"Unit price: {price:.2f}")
print(f"Quantity: {quantity}")
print(f"Total: {total:.2f}")
print(f"Boxes of 6: {boxes}, left over: {left_over}")
