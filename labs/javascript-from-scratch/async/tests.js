// Tests for the async lab. Each function is one check; an async test is
// awaited, timers and all, before the check decides.

async function testDelayWaits() {
  const fired = [];
  setTimeout(() => fired.push(99), 99);
  setTimeout(() => fired.push(101), 101);
  await delay(100);
  assert.deepEqual(fired, [99]);
}

async function testCountdownFromTwo() {
  // What countdown prints goes into lines, with a timer's mark between.
  const lines = [];
  const log = console.log;
  console.log = (...args) => lines.push(args.join(" "));
  setTimeout(() => lines.push("(1.5 s)"), 1500);
  try {
    await countdown(2);
  } finally {
    console.log = log;
  }
  assert.deepEqual(lines, ["2", "1", "(1.5 s)", "Liftoff!"]);
}

async function testAllPricesAsksAtOnce() {
  let late = false;
  setTimeout(() => {
    late = true;
  }, 150);
  const prices = await allPrices(["apple", "bread", "cheese"]);
  assert.deepEqual(prices, [0.5, 2.25, 4.8]);
  assert.equal(late, false, "allPrices took more than 150 ms for three prices");
}
