import type { RecentEvent, RecentEventsPage } from "../recent-events.js";
import { get } from "./api.js";
import { bodyOf, emptyRow, h, row, timeOf } from "./dom.js";

const PAGE = 100;
/** Pages read per refresh: enough to keep up with a generator, bounded so one refresh stays short. */
const MAX_PAGES_PER_REFRESH = 5;
const ROWS_SHOWN = 15;

/** Follows GET /api/feed from its cursor and shows the newest events on top. */
export function eventsPanel(onSelectOrder: (orderNumber: string) => void): () => Promise<void> {
  const body = bodyOf("events");
  let cursor: string | undefined;
  const seen = new Set<string>();

  const rowOf = (event: RecentEvent) => {
    const orderNumber = event.streamId.startsWith("order-") ? event.streamId.slice("order-".length) : undefined;
    let stream: string | HTMLButtonElement = event.streamId;
    if (orderNumber !== undefined) {
      stream = h("button", { type: "button", class: "link", title: `Follow order ${orderNumber}` }, event.streamId);
      stream.addEventListener("click", () => {
        onSelectOrder(orderNumber);
      });
    }
    const tr = row(timeOf(event.recordedAt), event.type, stream, event.version);
    tr.className = "fresh";
    return tr;
  };

  return async () => {
    for (let page = 0; page < MAX_PAGES_PER_REFRESH; page++) {
      const query = `limit=${PAGE}${cursor === undefined ? "" : `&after=${encodeURIComponent(cursor)}`}`;
      const answer = await get<RecentEventsPage>(`/feed?${query}`);
      if (answer === undefined) return;
      cursor = answer.next;
      // A change feed may deliver an event again after a split; show it once.
      const fresh = answer.events.filter((e) => !seen.has(e.eventId));
      for (const event of fresh) seen.add(event.eventId);
      if (seen.size > 5000) seen.clear();
      if (body.querySelector("td.muted")) body.replaceChildren();
      body.prepend(...fresh.map(rowOf).reverse());
      while (body.rows.length > ROWS_SHOWN) body.lastElementChild?.remove();
      if (answer.events.length < PAGE) break;
    }
    if (body.rows.length === 0) body.append(emptyRow(4, "No events yet: place an order or generate some."));
  };
}
