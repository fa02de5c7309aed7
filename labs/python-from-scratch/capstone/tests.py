from main import load_inventory, low_stock, save_inventory, sell, total_value


def shop():
    return {
        "apples": {"price": 0.5, "quantity": 120},
        "figs": {"price": 2.25, "quantity": 8},
        "pears": {"price": 0.8, "quantity": 15},
    }


def raises(function, *args):
    try:
        function(*args)
    except ValueError:
        return True
    return False


def test_load():
    with open("test.csv", "w") as f:
        f.write("item,price,quantity\napples,0.50,120\nfigs,2.25,8\npears,0.80,15\n")
    assert load_inventory("test.csv") == shop()


def test_save_then_load():
    save_inventory(shop(), "saved.csv")
    assert load_inventory("saved.csv") == shop()


def test_value_and_low_stock():
    assert abs(total_value(shop()) - 90.0) < 1e-9
    assert low_stock(shop(), 16) == ["figs", "pears"]
    assert low_stock(shop(), 8) == []


def test_sell():
    inventory = shop()
    sell(inventory, "figs", 3)
    assert inventory["figs"]["quantity"] == 5
    sell(inventory, "figs", 5)
    assert inventory["figs"]["quantity"] == 0


def test_refused_sales():
    inventory = shop()
    assert raises(sell, inventory, "figs", 9)
    assert raises(sell, inventory, "kiwis", 1)
    assert raises(sell, inventory, "figs", 0)
    assert inventory == shop()
