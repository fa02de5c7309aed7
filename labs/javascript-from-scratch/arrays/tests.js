// Tests for the arrays lab. Each function is one check; it calls the
// functions of main.js directly, then asserts what must be true.

function testTopThreeLeavesScoresAlone() {
  const scores = [70, 95, 60, 88, 91];
  const best = topThree(scores);
  assert.deepEqual(best, [95, 91, 88]);
  assert.deepEqual(scores, [70, 95, 60, 88, 91]);
}

function testEvenSquaresLeavesNumbersAlone() {
  const numbers = [1, 2, 3, 4];
  const squares = evenSquares(numbers);
  assert.deepEqual(squares, [4, 16]);
  assert.deepEqual(numbers, [1, 2, 3, 4]);
}
