import type { ArticleLine } from "../../functions/src/domain/order-events.js";

/** A few lines of the original demo's catalogue, enough for tests. */
export const CATALOGUE: readonly ArticleLine[] = [
  { article: "Coca-Cola Cherry", quantity: 1, price: 2.95 },
  { article: "Jim Beam", quantity: 1, price: 9.95 },
  { article: "Fanta Orange", quantity: 1, price: 2.5 },
  { article: "Mojito", quantity: 1, price: 7.5 },
  { article: "Club-Mate", quantity: 1, price: 3.2 },
];

export function address(n = 0) {
  return { name: `Customer ${n}`, street: `Pariser Platz ${n + 1}`, city: "Berlin", zipCode: "10117" };
}

export function requestedData(orderNumber: string, customerId = 50001, hubId = 10001, articles: ArticleLine[] = [{ article: "Mojito", quantity: 2, price: 7.5 }]) {
  return { orderNumber, hubId, customer: { customerId, deliveryAddress: address(customerId % 48) }, articles };
}
