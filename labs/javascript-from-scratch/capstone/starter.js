// A command that cannot be done; the program reports its message.
class CommandError extends Error {
  // Give it the name "CommandError", as ValidationError has in the errors lab.
}

// The whole number in text (it may be negative), or a CommandError.
function parsePoints(text) {
  // Number(text), if that is a whole number; otherwise throw a CommandError.
}

// Adds points to name's score (from 0 for a new name); returns the new score.
function addPoints(scores, name, points) {
}

// The lines of the n best scores: "1. ada 25", best first, ties by name.
function ranking(scores, n) {
  // Sort Object.entries(scores), then turn the first n into lines.
}

// Does one command to scores; returns what to print, or throws a CommandError.
function runCommand(scores, line) {
  const words = line.split(" ").filter((word) => word !== "");
  const command = words[0];
  throw new CommandError(`unknown command: ${command}`);
}

// The program: commands from the input, one a line, until quit or the end.
const scores = {};
let line = readline();
while (line !== null) {
  try {
    console.log(runCommand(scores, line));
  } catch (error) {
    console.log(`error: ${error.message}`);
  }
  line = readline();
}
