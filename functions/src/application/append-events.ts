import type { AppendResult, EventStore, NewEvent } from "../eventstore/event-store.js";
import { eventIdSchema, isValidStreamId, orderNumberOfStream } from "../domain/identifiers.js";
import { isOrderEventType, validateOrderEvent } from "../domain/order-events.js";
import { formatIssues, z } from "../domain/schema.js";
import { Problem } from "./problems.js";
import { storeErrorAsProblem } from "./store-errors-as-problems.js";

export const MAX_EVENTS_PER_APPEND = 100;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

const MAX_METADATA_DEPTH = 8;

/** Nesting depth, counted without recursion so that a hostile body cannot exhaust the stack. */
function depthWithin(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() ?? [undefined, 0];
    if (current === null || typeof current !== "object") continue;
    if (depth >= limit) return false;
    for (const inner of Object.values(current)) pending.push([inner, depth + 1]);
  }
  return true;
}

const metadataSchema = z.record(z.string().check(z.maxLength(100)), z.unknown()).check(
  z.refine((m) => Object.keys(m).length <= 32, "metadata takes at most 32 keys"),
  z.refine((m) => !Object.keys(m).some((k) => FORBIDDEN_KEYS.has(k)), "metadata keys __proto__, constructor and prototype are not allowed"),
  z.refine((m) => depthWithin(m, MAX_METADATA_DEPTH), `metadata nests at most ${MAX_METADATA_DEPTH} levels`),
  z.refine((m) => depthWithin(m, MAX_METADATA_DEPTH) && JSON.stringify(m).length <= 8192, "metadata is limited to 8 KiB of JSON"),
);

/** Body of POST /api/streams/{streamId}/events; each event's data is checked by its type afterwards. */
export const appendRequestSchema = z.strictObject({
  expectedVersion: z._default(z.union([z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER)), z.enum(["any", "no_stream", "stream_exists"])]), "any"),
  events: z.array(
    z.strictObject({
      eventId: z.optional(eventIdSchema),
      type: z.string().check(z.minLength(1), z.maxLength(100)),
      data: z.unknown(),
      metadata: z.optional(metadataSchema),
    }),
  ),
});



/** Refuses a stream id outside ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$ with 400. */
export function requireStreamId(streamId: string): string {
  if (!isValidStreamId(streamId)) throw new Problem("invalid-stream-id", "streamId must match ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$");
  return streamId;
}

/**
 * The store API's append: everything is checked before anything is written, then one atomic
 * append. Order streams take only order events that name the stream's own order.
 */
export async function appendEvents(store: EventStore, streamId: string, body: unknown, newId: () => string): Promise<AppendResult> {
  requireStreamId(streamId);
  // Count before validating each event, so an oversized array is refused cheaply.
  const count = typeof body === "object" && body !== null && "events" in body && Array.isArray(body.events) ? body.events.length : undefined;
  if (count !== undefined && (count < 1 || count > MAX_EVENTS_PER_APPEND)) {
    throw new Problem("too-many-events", `an append takes 1 to ${MAX_EVENTS_PER_APPEND} events, got ${count}`);
  }
  const parsed = appendRequestSchema.safeParse(body);
  if (!parsed.success) throw new Problem("validation-failed", formatIssues(parsed.error));
  const { expectedVersion, events: requested } = parsed.data;
  const orderNumber = orderNumberOfStream(streamId);
  const events: NewEvent[] = requested.map((event, index) => {
    if (!isOrderEventType(event.type)) throw new Problem("unknown-event-type", `events[${index}]: unknown event type '${event.type}'`);
    const checked = validateOrderEvent(event.type, event.data);
    if (!checked.ok) throw new Problem("validation-failed", `events[${index}].data: ${checked.reason}`);
    if (orderNumber !== undefined && checked.event.data.orderNumber !== orderNumber) {
      throw new Problem("validation-failed", `events[${index}].data.orderNumber must be '${orderNumber}' in stream ${streamId}`);
    }
    return { eventId: (event.eventId ?? newId()).toLowerCase(), type: event.type, data: checked.event.data, metadata: (event.metadata ?? {}) };
  });
  const ids = events.map((e) => e.eventId);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) throw new Problem("duplicate-event-ids", `eventId ${duplicate} appears more than once in this request`);
  try {
    return await store.append(streamId, events, expectedVersion);
  } catch (error) {
    throw storeErrorAsProblem(error);
  }
}
