// Tests for the errors lab: each function is one check.

function testValidationErrorIsAnError() {
  const error = new ValidationError("bad input");
  assert(error instanceof Error);
  assert.equal(error.name, "ValidationError");
  assert.equal(error.message, "bad input");
  assert.equal(String(error), "ValidationError: bad input");
}

function testParseAgeMessages() {
  assert.throws(() => parseAge("200"), /^age out of range: 200$/);
  assert.throws(() => parseAge("-3"), /^age out of range: -3$/);
  assert.throws(() => parseAge("abc"), /^not a whole number: abc$/);
  assert.throws(() => parseAge("12.5"), /^not a whole number: 12.5$/);
}

function testCheckAgesLetsOtherErrorsThrough() {
  // A symbol is not text: Number() and every string method throw a
  // TypeError on it, which checkAges must not report as a bad age.
  const notText = Symbol("not text");
  assert.throws(() => checkAges(["12", notText]), TypeError);
}
