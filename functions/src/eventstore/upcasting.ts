import type { StoredEventShape } from "../domain/order-event-versions.js";
import { upcastOrderEvent } from "../domain/order-event-versions.js";

/** Turns an event as stored into its current shape; returns it as it is when nothing applies. */
export type Upcaster = <E extends StoredEventShape>(event: E) => E;

/**
 * The upcasters every store applies when it reads, unless told otherwise. The registry is the
 * order domain's; events of other types pass through unchanged. Applying them inside the
 * adapters, on every read path, is what keeps the decider, the projections and the read API from
 * ever seeing an old shape (docs/adr/0012).
 */
export const currentShapes: Upcaster = upcastOrderEvent;

/** The schema version of a new event as stored: 1 when the producer names none. */
export function schemaVersionOf(event: { readonly schemaVersion?: number }): number {
  return event.schemaVersion ?? 1;
}
