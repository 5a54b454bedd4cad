/**
 * Recent events across all streams, for the live dashboard: the store's own feed read from a
 * cursor. Locally the cursor is the SQLite feed position; on Cosmos DB it is a change-feed
 * continuation token (docs/adr/0013-live-dashboard.md). Clients treat it as opaque.
 */

/** What the dashboard shows of an event: no payload, so a page stays small and cheap. */
export interface RecentEvent {
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly recordedAt: string;
}

export interface RecentEventsPage {
  /** Oldest first. */
  readonly events: readonly RecentEvent[];
  /** Pass as `after` to get what arrived since; present even when no event came. */
  readonly next: string;
}

export interface RecentEvents {
  /**
   * Events after the cursor, at most `limit`. Without a cursor: the latest events (the local
   * feed's last `limit`; on Cosmos DB those of the last minute). "invalid-cursor" when the
   * cursor is not one this store gave out.
   */
  read(after: string | undefined, limit: number): Promise<RecentEventsPage | "invalid-cursor">;
}

export function toRecentEvent(event: RecentEvent): RecentEvent {
  const { eventId, streamId, version, type, recordedAt } = event;
  return { eventId, streamId, version, type, recordedAt };
}
