function fizzBuzz(n) {
  if (n % 15 === 0) {
    return "FizzBuzz";
  } else if (n % 3 === 0) {
    return "Fizz";
  } else if (n % 5 === 0) {
    return "Buzz";
  } else {
    return String(n);
  }
}

function isLeapYear(year) {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function ticketPrice(age, day) {
  let price;
  if (age < 3) {
    price = 0;
  } else if (age < 12) {
    price = 6;
  } else if (age >= 65) {
    price = 8;
  } else {
    price = 12;
  }
  if (day === "Tuesday") {
    price = price / 2;
  }
  return price;
}
