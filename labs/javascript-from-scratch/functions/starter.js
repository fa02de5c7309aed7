// greet("Ada") is "Hello, Ada!". A name that is not a string is a TypeError.
function greet(name, greeting = "Hello") {
  return "";
}

// The square root of a*a + b*b.
function hypotenuse(a, b) {
  return 0;
}

// The distance between the points (x1, y1) and (x2, y2).
const distance = (x1, y1, x2, y2) => 0;

// Write clamp(value, low = 0, high = 100) here: add the missing parameters,
// and return value kept between low and high.
function clamp(value) {
}
