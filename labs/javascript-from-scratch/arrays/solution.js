// The squares of the even numbers, in their order.
function evenSquares(numbers) {
  return numbers.filter((n) => n % 2 === 0).map((n) => n * n);
}

// The sum of the numbers, 0 for none.
function total(numbers) {
  return numbers.reduce((sum, n) => sum + n, 0);
}

// The numbers from 1 to n that divide n, from smallest to largest.
function divisors(n) {
  const found = [];
  for (let d = 1; d <= n; d++) {
    if (n % d === 0) {
      found.push(d);
    }
  }
  return found;
}

// The three highest scores, highest first. Leaves scores as it was.
function topThree(scores) {
  return scores.toSorted((a, b) => b - a).slice(0, 3);
}
