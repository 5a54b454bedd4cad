import type { ArticleLine } from "../../functions/src/domain/order-events.js";

/** A few lines of the original demo's catalogue, enough for tests. */
export const CATALOGUE: readonly ArticleLine[] = [
  { article: "Coca-Cola Cherry", quantity: 1, price: 2.95, currency: "EUR" },
  { article: "Jim Beam", quantity: 1, price: 9.95, currency: "EUR" },
  { article: "Fanta Orange", quantity: 1, price: 2.5, currency: "EUR" },
  { article: "Mojito", quantity: 1, price: 7.5, currency: "EUR" },
  { article: "Club-Mate", quantity: 1, price: 3.2, currency: "EUR" },
];

/** A line as a client may send it: without a currency it is in euros. */
export type LineInput = Omit<ArticleLine, "currency"> & { currency?: string };

export function address(n = 0) {
  return { name: `Customer ${n}`, street: `Pariser Platz ${n + 1}`, city: "Berlin", zipCode: "10117" };
}

export function requestedData(
  orderNumber: string,
  customerId = 50001,
  hubId = 10001,
  articles: LineInput[] = [{ article: "Mojito", quantity: 2, price: 7.5 }],
) {
  return { orderNumber, hubId, customer: { customerId, deliveryAddress: address(customerId % 48) }, articles };
}
