// greet("Ada") is "Hello, Ada!". A name that is not a string is a TypeError.
function greet(name, greeting = "Hello") {
  if (typeof name !== "string") {
    throw new TypeError("name must be a string");
  }
  return `${greeting}, ${name}!`;
}

// The square root of a*a + b*b.
function hypotenuse(a, b) {
  return Math.sqrt(a * a + b * b);
}

// The distance between the points (x1, y1) and (x2, y2).
const distance = (x1, y1, x2, y2) => hypotenuse(x2 - x1, y2 - y1);

// value, kept between low and high. low above high is a RangeError.
function clamp(value, low = 0, high = 100) {
  if (low > high) {
    throw new RangeError("low must not be greater than high");
  }
  if (value < low) {
    return low;
  }
  if (value > high) {
    return high;
  }
  return value;
}
