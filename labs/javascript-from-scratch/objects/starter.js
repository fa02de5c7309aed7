// How many times each word occurs in text, in lower case.
function wordCounts(text) {
  const counts = {};
  // For each word: one more for counts[word].
  return counts;
}

// { length: [the words of that length, in their order] }
function groupByLength(words) {
  const groups = {};
  return groups;
}

// The sum of count * unit price over the items in the cart.
function cartTotal(cart, prices) {
  let total = 0;
  return total;
}

// { customer: the sum of their orders' amounts }, from orders in JSON.
function orderTotals(json) {
  const orders = JSON.parse(json);
  return orders;
}
