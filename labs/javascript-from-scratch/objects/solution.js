// How many times each word occurs in text, in lower case.
function wordCounts(text) {
  const counts = {};
  for (const word of text.toLowerCase().split(" ")) {
    if (word !== "") {
      if (Object.hasOwn(counts, word)) {
        counts[word] += 1;
      } else {
        counts[word] = 1;
      }
    }
  }
  return counts;
}

// { length: [the words of that length, in their order] }
function groupByLength(words) {
  const groups = {};
  for (const word of words) {
    const length = word.length;
    if (!Object.hasOwn(groups, length)) {
      groups[length] = [];
    }
    groups[length].push(word);
  }
  return groups;
}

// The sum of count * unit price over the items in the cart.
function cartTotal(cart, prices) {
  let total = 0;
  for (const [item, count] of Object.entries(cart)) {
    total += count * prices[item];
  }
  return total;
}

// { customer: the sum of their orders' amounts }, from orders in JSON.
function orderTotals(json) {
  const totals = {};
  for (const order of JSON.parse(json)) {
    if (Object.hasOwn(totals, order.customer)) {
      totals[order.customer] += order.amount;
    } else {
      totals[order.customer] = order.amount;
    }
  }
  return totals;
}
