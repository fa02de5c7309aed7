// "FizzBuzz", "Fizz", "Buzz", or the number itself as a string.
function fizzBuzz(n) {
  return "";
}

// true if year is a leap year, false if it is not.
function isLeapYear(year) {
  // Return a condition: year % 4 === 0 is true when 4 divides year.
  return undefined;
}

// The price of a ticket for someone aged age, on day ("Monday", "Tuesday", ...).
function ticketPrice(age, day) {
  let price;
  // Set price from age, then halve it on Tuesdays.
  return price;
}
