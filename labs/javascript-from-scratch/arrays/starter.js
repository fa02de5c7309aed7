// The squares of the even numbers, in their order.
function evenSquares(numbers) {
  return numbers;
}

// The sum of the numbers, 0 for none.
function total(numbers) {
  // numbers.reduce(...), with a starting value
}

// The numbers from 1 to n that divide n, from smallest to largest.
function divisors(n) {
  const found = [];
  return found;
}

// The three highest scores, highest first. Leaves scores as it was.
function topThree(scores) {
  return scores;
}
