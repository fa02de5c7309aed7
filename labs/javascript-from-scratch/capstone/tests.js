// Tests for the capstone: each function is one check. They call the
// functions of main.js with scoreboards of their own.

function testCommandError() {
  const error = new CommandError("no way");
  assert(error instanceof Error);
  assert.equal(error.name, "CommandError");
  assert.equal(error.message, "no way");
}

function testAddPoints() {
  const scores = { ada: 10 };
  assert.equal(addPoints(scores, "ada", 15), 25);
  assert.equal(addPoints(scores, "bob", 7), 7);
  assert.equal(addPoints(scores, "bob", -2), 5);
  assert.deepEqual(scores, { ada: 25, bob: 5 });
}

function testRankingTies() {
  // Written in this order on purpose: bo was added before al.
  const scores = { bo: 5, cy: 9, al: 5, di: 5 };
  assert.deepEqual(ranking(scores, 3), ["1. cy 9", "2. al 5", "3. bo 5"]);
  assert.deepEqual(ranking({ zed: 1, amy: 1 }, 2), ["1. amy 1", "2. zed 1"]);
}

function testRunCommandAdd() {
  const scores = {};
  assert.equal(runCommand(scores, "add ada 10"), "ada: 10");
  assert.equal(runCommand(scores, "add ada 5"), "ada: 15");
  assert.deepEqual(scores, { ada: 15 });
}

function testRunCommandTop() {
  const scores = { ada: 25, bob: 7, cy: 12 };
  assert.equal(runCommand(scores, "top 2"), "1. ada 25\n2. cy 12");
  assert.equal(runCommand({}, "top 3"), "no scores yet");
}

function testRunCommandRemove() {
  const scores = { ada: 25, bob: 7 };
  assert.equal(runCommand(scores, "remove bob"), "removed bob");
  assert.deepEqual(scores, { ada: 25 });
}

function testRunCommandRefusals() {
  const scores = { ada: 25 };
  assert.throws(() => runCommand(scores, "dance"), CommandError);
  assert.throws(() => runCommand(scores, "dance"), /^unknown command: dance$/);
  assert.throws(() => runCommand(scores, "remove bob"), CommandError);
  assert.throws(() => runCommand(scores, "remove bob"), /^no player named bob$/);
  assert.throws(() => runCommand(scores, "add ada lots"), /^not a whole number: lots$/);
  assert.throws(() => runCommand(scores, "top 0"), /^count must be at least 1$/);
  assert.deepEqual(scores, { ada: 25 });
}
