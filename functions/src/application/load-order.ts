import type { EventStore, RecordedEvent } from "../eventstore/event-store.js";
import type { OrderEvent } from "../domain/order-events.js";
import type { OrderState } from "../domain/order-state.js";
import { orderStreamId } from "../domain/identifiers.js";
import { readOrderEvent } from "../domain/order-event-versions.js";
import { evolve, initialState } from "../domain/order-state.js";
import { Problem } from "./problems.js";

const PAGE = 1000;

export interface LoadedOrder {
  readonly state: OrderState;
  /** The stream's version the state was folded at. */
  readonly version: number;
  /** The version of each stored eventId, for recognising a retried raw append. */
  readonly eventVersions: ReadonlyMap<string, number>;
}

/**
 * A stored event in its current shape. One that no upcaster and no schema accepts stops the
 * read: folding around it would let the decider and the projections (which dead-letter it)
 * disagree about the order, so the request fails with a 500 problem that names it.
 */
function currentOrderEvent(event: RecordedEvent): OrderEvent {
  const read = readOrderEvent(event);
  if (read.ok) return read.event;
  throw new Problem(
    "unreadable-event",
    `event ${String(event.version)} of stream ${event.streamId} (${event.eventId}) cannot be read: ${read.reason}`,
    {
      streamId: event.streamId,
      version: event.version,
    },
  );
}

/** Reads the whole order stream and folds it. */
export async function loadOrder(store: EventStore, orderNumber: string): Promise<LoadedOrder> {
  const streamId = orderStreamId(orderNumber);
  let state = initialState;
  const eventVersions = new Map<string, number>();
  for (let from = 1; ; from += PAGE) {
    const slice = await store.read(streamId, { fromVersion: from, maxCount: PAGE });
    for (const event of slice.events) {
      state = evolve(state, currentOrderEvent(event));
      eventVersions.set(event.eventId, event.version);
    }
    if (slice.events.length < PAGE || from + PAGE > slice.version) return { state, version: slice.version, eventVersions };
  }
}
