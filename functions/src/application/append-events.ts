import type { AppendResult, EventStore, ExpectedVersion, NewEvent } from "../eventstore/event-store.js";
import type { OrderEvent } from "../domain/order-events.js";
import { eventIdSchema, isValidStreamId, orderNumberOfStream } from "../domain/identifiers.js";
import { admitEvent } from "../domain/order-decider.js";
import { ORDER_EVENT_SCHEMA_VERSIONS } from "../domain/order-event-versions.js";
import { isOrderEventType, validateNewOrderEvent } from "../domain/order-events.js";
import { evolve } from "../domain/order-state.js";
import type { Infer } from "../domain/schema.js";
import { formatIssues, z } from "../domain/schema.js";
import { WrongExpectedVersionError } from "../eventstore/errors.js";
import { checkExpectedVersion } from "../eventstore/expected-version.js";
import { detectReplay } from "../eventstore/replay-detection.js";
import { loadOrder } from "./load-order.js";
import { Problem } from "./problems.js";

export const MAX_EVENTS_PER_APPEND = 100;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

const MAX_METADATA_DEPTH = 8;
/** Nesting of an event's data on streams that are not orders; the 1 MiB body limit bounds its size. */
const MAX_DATA_DEPTH = 32;
/** Appends to an order stream that lost a race with another writer, decided again on fresh state. */
const MAX_CONFLICT_RETRIES = 10;

/**
 * Event types on streams that are not order streams: a letter, then up to 99 letters, digits,
 * `_`, `.`, `:` or `-` (e.g. `PaymentReceived`, `inventory.item-added`, `com.example:Shipped`).
 */
export const EVENT_TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/;

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

/** Data of an event on a stream that is not an order stream: any JSON object. */
const genericDataSchema = z
  .record(z.string(), z.unknown())
  .check(z.refine((data) => depthWithin(data, MAX_DATA_DEPTH), `data nests at most ${MAX_DATA_DEPTH} levels`));

/** Body of POST /api/streams/{streamId}/events; each event's data is checked by its stream and type afterwards. */
export const appendRequestSchema = z.strictObject({
  expectedVersion: z._default(
    z.union([z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER)), z.enum(["any", "no_stream", "stream_exists"])]),
    "any",
  ),
  events: z.array(
    z.strictObject({
      eventId: z.optional(eventIdSchema),
      type: z.string().check(z.minLength(1), z.maxLength(100)),
      schemaVersion: z.optional(z.int().check(z.minimum(1), z.maximum(1_000_000))),
      data: z.unknown(),
      metadata: z.optional(metadataSchema),
    }),
  ),
});
type RequestedEvent = Infer<typeof appendRequestSchema>["events"][number];

/** Refuses a stream id outside ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$ with 400. */
export function requireStreamId(streamId: string): string {
  if (!isValidStreamId(streamId)) throw new Problem("invalid-stream-id", "streamId must match ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$");
  return streamId;
}

/** An event for a stream that is not an order stream: a type of the documented pattern, any JSON object as data. */
function genericEvent(event: RequestedEvent, index: number, newId: () => string): NewEvent {
  if (!EVENT_TYPE_PATTERN.test(event.type)) {
    throw new Problem(
      "validation-failed",
      `events[${index}].type must start with a letter, followed by at most 99 letters, digits, '_', '.', ':' or '-'`,
    );
  }
  const data = genericDataSchema.safeParse(event.data);
  if (!data.success) throw new Problem("validation-failed", `events[${index}].data: ${formatIssues(data.error)}`);
  return {
    eventId: (event.eventId ?? newId()).toLowerCase(),
    type: event.type,
    schemaVersion: event.schemaVersion ?? 1,
    data: data.data,
    metadata: event.metadata ?? {},
  };
}

/** An event for an order stream: a known type at its current schema version, naming the stream's own order. */
function orderEvent(
  event: RequestedEvent,
  index: number,
  streamId: string,
  orderNumber: string,
  newId: () => string,
): NewEvent & OrderEvent {
  if (!isOrderEventType(event.type)) throw new Problem("unknown-event-type", `events[${index}]: unknown event type '${event.type}'`);
  const current = ORDER_EVENT_SCHEMA_VERSIONS[event.type];
  if (event.schemaVersion !== undefined && event.schemaVersion !== current) {
    throw new Problem("validation-failed", `events[${index}].schemaVersion: ${event.type} is written at schema version ${current}`);
  }
  const checked = validateNewOrderEvent(event.type, event.data);
  if (!checked.ok) throw new Problem("validation-failed", `events[${index}].data: ${checked.reason}`);
  if (checked.event.data.orderNumber !== orderNumber) {
    throw new Problem("validation-failed", `events[${index}].data.orderNumber must be '${orderNumber}' in stream ${streamId}`);
  }
  return { ...checked.event, eventId: (event.eventId ?? newId()).toLowerCase(), schemaVersion: current, metadata: event.metadata ?? {} };
}

/**
 * Appends to an order stream under the same lifecycle rules as the commands: the events are
 * decided against the stream as stored and appended at exactly the version they were decided
 * on, so no raw append can put an order where the decider forbids. A retry of an append already
 * stored is recognised first, a wrong expected version is a 409 next, a lifecycle violation 422.
 */
async function appendToOrder(
  store: EventStore,
  orderNumber: string,
  streamId: string,
  events: readonly (NewEvent & OrderEvent)[],
  expected: ExpectedVersion,
): Promise<AppendResult> {
  const eventIds = events.map((e) => e.eventId);
  for (let attempt = 0; ; attempt++) {
    const { state, version, eventVersions } = await loadOrder(store, orderNumber);
    const stored = new Map(eventIds.flatMap((id) => (eventVersions.has(id) ? [[id, eventVersions.get(id) ?? 0] as const] : [])));
    const replay = detectReplay(streamId, eventIds, stored, expected);
    if (replay) return replay;
    checkExpectedVersion(streamId, expected, version);
    let next = state;
    for (const [index, event] of events.entries()) {
      const admission = admitEvent(next, event);
      if (!admission.ok) throw new Problem("lifecycle-violation", `events[${index}]: ${admission.detail}`);
      next = evolve(next, event);
    }
    try {
      return await store.append(streamId, events, version);
    } catch (error) {
      // Another writer appended in between: decide again on what is stored now.
      if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
    }
  }
}

/**
 * The store API's append: everything is checked before anything is written, then one atomic
 * append. Order streams take only order events that name the stream's own order and keep to
 * its lifecycle; other streams take any event whose type matches EVENT_TYPE_PATTERN.
 */
export async function appendEvents(store: EventStore, streamId: string, body: unknown, newId: () => string): Promise<AppendResult> {
  requireStreamId(streamId);
  // Count before validating each event, so an oversized array is refused cheaply.
  const count =
    typeof body === "object" && body !== null && "events" in body && Array.isArray(body.events) ? body.events.length : undefined;
  if (count !== undefined && (count < 1 || count > MAX_EVENTS_PER_APPEND)) {
    throw new Problem("too-many-events", `an append takes 1 to ${MAX_EVENTS_PER_APPEND} events, got ${count}`);
  }
  const parsed = appendRequestSchema.safeParse(body);
  if (!parsed.success) throw new Problem("validation-failed", formatIssues(parsed.error));
  const { expectedVersion, events: requested } = parsed.data;
  const orderNumber = orderNumberOfStream(streamId);
  if (orderNumber === undefined) {
    const events = requested.map((event, index) => genericEvent(event, index, newId));
    requireDistinctEventIds(events);
    return store.append(streamId, events, expectedVersion);
  }
  const events = requested.map((event, index) => orderEvent(event, index, streamId, orderNumber, newId));
  requireDistinctEventIds(events);
  return appendToOrder(store, orderNumber, streamId, events, expectedVersion);
}

function requireDistinctEventIds(events: readonly NewEvent[]): void {
  const ids = events.map((e) => e.eventId);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) throw new Problem("duplicate-event-ids", `eventId ${duplicate} appears more than once in this request`);
}
