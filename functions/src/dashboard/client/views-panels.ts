import { HUBS } from "../../order-generator/catalogue.js";
import { get } from "./api.js";
import { bodyOf, byId, emptyRow, row, setText } from "./dom.js";

interface TopCustomer {
  readonly customerId: number;
  readonly totalOrders: number;
}

interface HubDay {
  readonly ordersRequested: number;
  readonly ordersCancelled: number;
  readonly ordersDelivered: number;
  readonly articles: Readonly<Record<string, number>>;
}

/** The talk's "User | Total Orders" table: GET /api/views/customers?top=10. */
export function topCustomersPanel(): () => Promise<void> {
  const body = bodyOf("top-customers");
  return async () => {
    const top = (await get<TopCustomer[]>("/views/customers?top=10")) ?? [];
    body.replaceChildren(
      ...(top.length === 0 ? [emptyRow(2, "No customers yet.")] : top.map((c) => row(String(c.customerId), c.totalOrders))),
    );
  };
}

/** Today's (UTC) hub-day view of the chosen hub, its article totals largest first. */
export function hubDayPanel(): () => Promise<void> {
  const select = byId("hub", HTMLSelectElement);
  for (let hub = HUBS.first; hub < HUBS.first + HUBS.count; hub++) select.append(new Option(String(hub), String(hub)));
  const body = bodyOf("hub-articles");
  const refresh = async () => {
    const day = new Date().toISOString().slice(0, 10);
    const view = await get<HubDay>(`/views/hubs/${encodeURIComponent(select.value)}/days/${day}`);
    setText("hub-title", `Hub ${select.value} today (${day}, UTC)`);
    setText("hub-requested", String(view?.ordersRequested ?? 0));
    setText("hub-cancelled", String(view?.ordersCancelled ?? 0));
    setText("hub-delivered", String(view?.ordersDelivered ?? 0));
    const articles = Object.entries(view?.articles ?? {})
      .filter(([, quantity]) => quantity !== 0)
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    body.replaceChildren(
      ...(articles.length === 0 ? [emptyRow(2, "No articles yet today.")] : articles.map(([article, quantity]) => row(article, quantity))),
    );
  };
  select.addEventListener("change", () => void refresh());
  return refresh;
}
