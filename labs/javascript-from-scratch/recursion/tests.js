// Tests for the recursion lab: each function is one check.

function testFlattenDeepNesting() {
  let deep = ["end"];
  for (let i = 299; i >= 0; i--) {
    deep = [i, deep];
  }
  const expected = [];
  for (let i = 0; i < 300; i++) {
    expected.push(i);
  }
  expected.push("end");
  assert.deepEqual(flatten(deep), expected);
}

function testFlattenLeavesItsArgumentAlone() {
  const items = [1, [2, [3]], 4];
  const flat = flatten(items);
  assert.deepEqual(flat, [1, 2, 3, 4]);
  assert.deepEqual(items, [1, [2, [3]], 4]);
}

function testLargeInputs() {
  assert.equal(sumDigits(9007199254740991), 76);
  assert.equal(factorial(18), 6402373705728000);
  assert.equal(fib(78), 8944394323791464);
}
