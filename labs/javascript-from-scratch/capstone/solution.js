// A command that cannot be done; the program reports its message.
class CommandError extends Error {
  constructor(message) {
    super(message);
    this.name = "CommandError";
  }
}

// The whole number in text (it may be negative), or a CommandError.
function parsePoints(text) {
  const points = Number(text);
  if (text.trim() === "" || !Number.isInteger(points)) {
    throw new CommandError(`not a whole number: ${text}`);
  }
  return points;
}

// Adds points to name's score (from 0 for a new name); returns the new score.
function addPoints(scores, name, points) {
  if (Object.hasOwn(scores, name)) {
    scores[name] += points;
  } else {
    scores[name] = points;
  }
  return scores[name];
}

// The lines of the n best scores: "1. ada 25", best first, ties by name.
function ranking(scores, n) {
  const sorted = Object.entries(scores).toSorted(
    (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
  );
  return sorted.slice(0, n).map(([name, score], i) => `${i + 1}. ${name} ${score}`);
}

// Does one command to scores; returns what to print, or throws a CommandError.
function runCommand(scores, line) {
  const words = line.split(" ").filter((word) => word !== "");
  const command = words[0];
  if (command === "add") {
    const total = addPoints(scores, words[1], parsePoints(words[2]));
    return `${words[1]}: ${total}`;
  }
  if (command === "top") {
    const count = parsePoints(words[1]);
    if (count < 1) {
      throw new CommandError("count must be at least 1");
    }
    const lines = ranking(scores, count);
    return lines.length === 0 ? "no scores yet" : lines.join("\n");
  }
  if (command === "remove") {
    const name = words[1];
    if (!Object.hasOwn(scores, name)) {
      throw new CommandError(`no player named ${name}`);
    }
    delete scores[name];
    return `removed ${name}`;
  }
  throw new CommandError(`unknown command: ${command}`);
}

// The program: commands from the input, one a line, until quit or the end.
const scores = {};
let line = readline();
while (line !== null && line.trim() !== "quit") {
  if (line.trim() !== "") {
    try {
      console.log(runCommand(scores, line));
    } catch (error) {
      if (!(error instanceof CommandError)) {
        throw error;
      }
      console.log(`error: ${error.message}`);
    }
  }
  line = readline();
}
const points = Object.values(scores).reduce((sum, score) => sum + score, 0);
console.log(`players: ${Object.keys(scores).length}, points: ${points}`);
