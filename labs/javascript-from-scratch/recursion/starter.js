// n! = 1 * 2 * ... * n, and 0! = 1.
function factorial(n) {
  // The base case first: 0! is 1. Then n! is n * (n - 1)!.
}

// The sum of the decimal digits of n: 4096 gives 4 + 0 + 9 + 6 = 19.
function sumDigits(n) {
  // n % 10 is the last digit, Math.floor(n / 10) the number without it.
}

// A new flat array of the values in items, however deeply nested.
function flatten(items) {
  const flat = [];
  return flat;
}

// The n-th Fibonacci number, each one computed once.
function fib(n) {
  return 0;
}
