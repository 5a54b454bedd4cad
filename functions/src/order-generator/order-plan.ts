import { ADDRESSES, ARTICLES, CUSTOMERS, HUBS } from "./catalogue.js";

export interface ArticleLine {
  readonly article: string;
  readonly quantity: number;
  readonly price: number;
}

/** One order's path through the lifecycle, decided up front from the seed. */
export interface OrderPlan {
  readonly orderNumber: string;
  readonly hubId: number;
  readonly customerId: number;
  readonly address: (typeof ADDRESSES)[number];
  readonly articles: readonly ArticleLine[];
  /** About 20%: a new article list after acceptance. */
  readonly updatedArticles: readonly ArticleLine[] | undefined;
  /** About 10%: cancelled after acceptance (and any update), before picking. */
  readonly cancelled: boolean;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("empty list");
  return item;
}

function lines(random: () => number): ArticleLine[] {
  const count = 1 + Math.floor(random() * 5);
  const chosen = new Map<string, ArticleLine>();
  while (chosen.size < count) {
    const { article, price } = pick(random, ARTICLES);
    chosen.set(article, { article, quantity: 1 + Math.floor(random() * 6), price });
  }
  return [...chosen.values()];
}

export function planOrders(count: number, random: () => number, runId: string): OrderPlan[] {
  return Array.from({ length: count }, (_, n) => ({
    orderNumber: `${runId}-${n}`,
    hubId: HUBS.first + Math.floor(random() * HUBS.count),
    customerId: CUSTOMERS.first + Math.floor(random() * CUSTOMERS.count),
    address: pick(random, ADDRESSES),
    articles: lines(random),
    updatedArticles: random() < 0.2 ? lines(random) : undefined,
    cancelled: random() < 0.1,
  }));
}

/** The requests an order's plan makes, in order: [method, path suffix, body]. */
export function stepsOf(plan: OrderPlan): [string, string, unknown][] {
  const steps: [string, string, unknown][] = [
    [
      "POST",
      "",
      {
        orderNumber: plan.orderNumber,
        hubId: plan.hubId,
        customer: { customerId: plan.customerId, deliveryAddress: plan.address },
        articles: plan.articles,
      },
    ],
    ["POST", "/accept", undefined],
  ];
  if (plan.updatedArticles) steps.push(["PUT", "/articles", { articles: plan.updatedArticles }]);
  if (plan.cancelled) steps.push(["POST", "/cancel", { reason: "the customer changed their mind" }]);
  else steps.push(["POST", "/start-picking", undefined], ["POST", "/dispatch", undefined], ["POST", "/deliver", undefined]);
  return steps;
}

export function finalStatus(plan: OrderPlan): "CANCELLED" | "DELIVERED" {
  return plan.cancelled ? "CANCELLED" : "DELIVERED";
}

export function finalArticles(plan: OrderPlan): readonly ArticleLine[] {
  return plan.updatedArticles ?? plan.articles;
}
