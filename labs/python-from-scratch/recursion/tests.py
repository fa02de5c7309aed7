import math

from main import factorial, flatten, sum_digits


def test_large_inputs():
    assert factorial(300) == math.factorial(300)
    assert sum_digits(7 ** 300) == sum(int(d) for d in str(7 ** 300))
    deep = ["end"]
    for i in reversed(range(250)):
        deep = [i, deep]
    assert flatten(deep) == list(range(250)) + ["end"]
