// n! = 1 * 2 * ... * n, and 0! = 1.
function factorial(n) {
  if (n === 0) {
    return 1;
  }
  return n * factorial(n - 1);
}

// The sum of the decimal digits of n: 4096 gives 4 + 0 + 9 + 6 = 19.
function sumDigits(n) {
  if (n < 10) {
    return n;
  }
  return (n % 10) + sumDigits(Math.floor(n / 10));
}

// A new flat array of the values in items, however deeply nested.
function flatten(items) {
  const flat = [];
  for (const item of items) {
    if (Array.isArray(item)) {
      flat.push(...flatten(item));
    } else {
      flat.push(item);
    }
  }
  return flat;
}

// The n-th Fibonacci number, each one computed once.
const known = new Map();

function fib(n) {
  if (n < 2) {
    return n;
  }
  if (!known.has(n)) {
    known.set(n, fib(n - 1) + fib(n - 2));
  }
  return known.get(n);
}
