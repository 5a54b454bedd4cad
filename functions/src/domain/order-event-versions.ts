import type { EventValidation, OrderEventType } from "./order-events.js";
import type { OrderEvent } from "./order-events.js";
import { certainlyValidOrderEventData, QUICK_CHECKED_VERSIONS } from "./order-event-quick-check.js";
import { DEFAULT_CURRENCY, isOrderEventType, parseOrderEvent } from "./order-events.js";

/**
 * Schema versions of the order events and the upcasters between them (docs/adr/0012). A type's
 * version goes up by one whenever the shape of its data changes; an upcaster turns data of
 * version n into version n + 1, and reading applies them in a chain up to the current version.
 */
export const ORDER_EVENT_SCHEMA_VERSIONS = {
  // 2: article lines carry a currency; v1 lines had none and were euros.
  OrderRequested: 2,
  OrderAccepted: 1,
  // 2: article lines carry a currency, as in OrderRequested.
  OrderArticlesUpdated: 2,
  OrderCancelled: 1,
  OrderPickingStarted: 1,
  OrderOutForDelivery: 1,
  OrderDelivered: 1,
} as const satisfies Record<OrderEventType, number>;

/** An event as stored: its type, the schema version its data was written in, and the data. */
export interface StoredEventShape {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
}

type Upcaster = (data: unknown) => unknown;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** v1 -> v2: every line without a currency was in euros. Total: data it cannot read is left to the schema to refuse. */
const linesInEuros: Upcaster = (data) => {
  if (!isObject(data) || !Array.isArray(data.articles)) return data;
  const articles = (data.articles as unknown[]).map((line) =>
    isObject(line) && !Object.hasOwn(line, "currency") ? { ...line, currency: DEFAULT_CURRENCY } : line,
  );
  return { ...data, articles };
};

/** UPCASTERS[type][n] turns data of schema version n into version n + 1. */
const UPCASTERS: { readonly [K in OrderEventType]?: Readonly<Record<number, Upcaster>> } = {
  OrderRequested: { 1: linesInEuros },
  OrderArticlesUpdated: { 1: linesInEuros },
};

/**
 * Brings a stored order event to its type's current schema version. Events of other types, of
 * the current version, or of a version no chain of upcasters leads from are returned as they
 * are: reading them against the current schema then fails, loudly (see readOrderEvent).
 */
export function upcastOrderEvent<E extends StoredEventShape>(event: E): E {
  if (!isOrderEventType(event.type)) return event;
  const steps = UPCASTERS[event.type] ?? {};
  let { schemaVersion, data } = event;
  for (
    let step = steps[schemaVersion];
    step !== undefined && schemaVersion < ORDER_EVENT_SCHEMA_VERSIONS[event.type];
    step = steps[schemaVersion]
  ) {
    data = step(data);
    schemaVersion++;
  }
  return schemaVersion === event.schemaVersion ? event : { ...event, schemaVersion, data };
}

/**
 * Reads a stored order event as the decider and the projections see it: upcast to the current
 * version, then checked against the current schema. An event that no upcaster and no schema
 * accepts is an error for the caller to raise (a 500 for a command, a dead letter in the
 * projections), never something to skip.
 */
export function readOrderEvent(event: StoredEventShape): EventValidation {
  const { type } = event;
  if (!isOrderEventType(type)) return { ok: false, reason: `unknown event type '${type}'` };
  const current = upcastOrderEvent(event);
  const expected = ORDER_EVENT_SCHEMA_VERSIONS[type];
  if (current.schemaVersion !== expected) {
    return {
      ok: false,
      reason: `${type} of schema version ${event.schemaVersion} cannot be read: the current version is ${expected} and no upcaster leads there from it`,
    };
  }
  // The quick check answers as the schema would, for the data it is sure of; the rest goes to the schema.
  if (QUICK_CHECKED_VERSIONS[type] === expected && certainlyValidOrderEventData(type, current.data))
    return { ok: true, event: { type, data: current.data } as OrderEvent };
  return parseOrderEvent(type, current.data, "stored");
}
