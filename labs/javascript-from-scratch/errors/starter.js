// The error for input that breaks the rules. Give it the name "ValidationError".
class ValidationError extends Error {
}

// The whole number in text, from 0 to 150. Throws a ValidationError otherwise.
function parseAge(text) {
  const age = Number(text);
  // Throw for text that is not a whole number, or an age out of range.
}

// The value in json, or fallback if json is not valid JSON.
function safeParse(json, fallback) {
  // JSON.parse(json) throws a SyntaxError when json is not valid JSON.
}

// "ok: AGE" or "error: MESSAGE" for each text.
function checkAges(texts) {
  const results = [];
  return results;
}
