const host = readline();
const guests = Number(readline());
const pizzaPrice = Number(readline());

const people = guests + 1;
const slices = people * 3;
const pizzas = Math.ceil(slices / 8);
const leftOver = pizzas * 8 - slices;
const cost = pizzas * pizzaPrice;
const each = cost / people;

console.log(`Party for ${host}: ${people} people`);
console.log(`Slices: ${slices}`);
console.log(`Pizzas: ${pizzas}, slices left over: ${leftOver}`);
console.log(`Cost: ${cost.toFixed(2)}`);
console.log(`Each pays: ${each.toFixed(2)}`);
