import type { Container } from "@azure/cosmos";
import type { EventDocument } from "../eventstore/cosmos/event-document.js";
import type { RecentEvents } from "./recent-events.js";
import { ChangeFeedStartFrom } from "@azure/cosmos";
import { recordCharge } from "../shared/request-charge.js";
import { toRecentEvent } from "./recent-events.js";

/** Without a cursor, a first page starts this far back: enough to show a room what just happened. */
const FIRST_PAGE_LOOKBACK_MS = 60_000;

/**
 * Recent events from the `events` container's change feed, pull model: the cursor is the
 * feed's continuation token (base64url, so it travels in a query string). No extra index and
 * no cross-partition query: each poll reads only what changed since the token, and an empty
 * poll answers 304. Source: "Change feed pull model in Azure Cosmos DB",
 * https://learn.microsoft.com/azure/cosmos-db/nosql/change-feed-pull-model (ChangeFeedStartFrom
 * Time/Continuation, continuation tokens as bookmarks, maxItemCount as the page size).
 */
export function cosmosRecentEvents(container: Container, now: () => Date = () => new Date()): RecentEvents {
  return {
    async read(after, limit) {
      let startFrom;
      if (after === undefined) startFrom = ChangeFeedStartFrom.Time(new Date(now().getTime() - FIRST_PAGE_LOOKBACK_MS));
      else {
        const token = decodeToken(after);
        if (token === undefined) return "invalid-cursor";
        startFrom = ChangeFeedStartFrom.Continuation(token);
      }
      // The SDK's ChangeFeedStartFrom factories return its own subclasses; the rule cannot see that.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
      const iterator = container.items.getChangeFeedIterator<EventDocument>({ changeFeedStartFrom: startFrom, maxItemCount: limit });
      const page = await iterator.readNext();
      recordCharge("events.changeFeed", page.requestCharge);
      // 304: nothing new since the token.
      const events = page.statusCode === 304 ? [] : page.result.slice(0, limit).map(toRecentEvent);
      return { events, next: Buffer.from(page.continuationToken, "utf8").toString("base64url") };
    },
  };
}

/** The SDK's token is JSON; anything else did not come from us. */
function decodeToken(cursor: string): string | undefined {
  const token = Buffer.from(cursor, "base64url").toString("utf8");
  try {
    const parsed: unknown = JSON.parse(token);
    return typeof parsed === "object" && parsed !== null ? token : undefined;
  } catch {
    return undefined;
  }
}
