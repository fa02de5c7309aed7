// The error for input that breaks the rules.
class ValidationError extends Error {
  constructor(message) {
    super(message);
    this.name = "ValidationError";
  }
}

// The whole number in text, from 0 to 150. Throws a ValidationError otherwise.
function parseAge(text) {
  const age = Number(text);
  if (text.trim() === "" || !Number.isInteger(age)) {
    throw new ValidationError(`not a whole number: ${text}`);
  }
  if (age < 0 || age > 150) {
    throw new ValidationError(`age out of range: ${age}`);
  }
  return age;
}

// The value in json, or fallback if json is not valid JSON.
function safeParse(json, fallback) {
  try {
    return JSON.parse(json);
  } catch (error) {
    if (error instanceof SyntaxError) {
      return fallback;
    }
    throw error;
  }
}

// "ok: AGE" or "error: MESSAGE" for each text.
function checkAges(texts) {
  const results = [];
  for (const text of texts) {
    try {
      results.push(`ok: ${parseAge(text)}`);
    } catch (error) {
      if (!(error instanceof ValidationError)) {
        throw error;
      }
      results.push(`error: ${error.message}`);
    }
  }
  return results;
}
