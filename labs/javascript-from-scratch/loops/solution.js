// 1*1 + 2*2 + ... + n*n, and 0 when n is 0.
function sumOfSquares(n) {
  let total = 0;
  for (let i = 1; i <= n; i++) {
    total += i * i;
  }
  return total;
}

// How many steps it takes to get from n down to 1.
function collatzSteps(n) {
  let steps = 0;
  while (n !== 1) {
    if (n % 2 === 0) {
      n = n / 2;
    } else {
      n = 3 * n + 1;
    }
    steps++;
  }
  return steps;
}

// How many of the letters a, e, i, o, u are in text, in either case.
function countVowels(text) {
  let count = 0;
  for (const letter of text.toLowerCase()) {
    if ("aeiou".includes(letter)) {
      count++;
    }
  }
  return count;
}

// n lines of #, the first with one, the last with n, joined by line breaks.
function staircase(n) {
  let text = "";
  for (let row = 1; row <= n; row++) {
    if (row > 1) {
      text += "\n";
    }
    text += "#".repeat(row);
  }
  return text;
}
