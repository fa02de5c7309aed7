// 1*1 + 2*2 + ... + n*n, and 0 when n is 0.
function sumOfSquares(n) {
  let total = 0;
  // Add i * i to total for every i from 1 to n, then return total.
}

// How many steps it takes to get from n down to 1.
function collatzSteps(n) {
  let steps = 0;
  // While n is not 1, change it as the rule says and count the step.
  // Then return steps.
}

// How many of the letters a, e, i, o, u are in text, in either case.
function countVowels(text) {
  let count = 0;
  // Look at every letter of text.
}

// n lines of #, the first with one, the last with n, joined by line breaks.
function staircase(n) {
  let text = "";
  // Add the rows to text, with "\n" between them.
}
