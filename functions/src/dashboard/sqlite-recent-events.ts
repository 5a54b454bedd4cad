import type { EventFeed } from "../eventstore/event-store.js";
import type { RecentEvents } from "./recent-events.js";
import { toRecentEvent } from "./recent-events.js";

const POSITION = /^\d{1,15}$/;

/** Recent events from the embedded store's ordered feed: the cursor is a feed position. */
export function sqliteRecentEvents(feed: Pick<EventFeed, "readAll" | "headPosition">): RecentEvents {
  return {
    async read(after, limit) {
      if (after !== undefined && !POSITION.test(after)) return "invalid-cursor";
      const from = after === undefined ? Math.max(0, (await feed.headPosition()) - limit) : Number(after);
      const events = await feed.readAll(from, limit);
      const last = events.at(-1);
      return { events: events.map(toRecentEvent), next: String(last ? last.position : from) };
    },
  };
}
