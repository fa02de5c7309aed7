// Read the three lines of input. readline() gives each one as text.
const host = readline();
const guests = readline();       // text: convert it to a number
const pizzaPrice = readline();   // text too

// Print the summary, one console.log per line.
console.log(`Party for ${host}: ${guests + 1} people`);
