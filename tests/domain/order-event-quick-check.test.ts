import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { OrderEventType } from "../../functions/src/domain/order-events.js";
import { certainlyValidOrderEventData, QUICK_CHECKED_VERSIONS } from "../../functions/src/domain/order-event-quick-check.js";
import { ORDER_EVENT_SCHEMA_VERSIONS, readOrderEvent } from "../../functions/src/domain/order-event-versions.js";
import { orderEventSchemas } from "../../functions/src/domain/order-events.js";
import { eventsOfPlan, orderPlan } from "../support/order-histories.js";

/**
 * The quick check may only ever say what the schema says, sooner: whenever it accepts data, the
 * schema accepts it too and returns it byte for byte unchanged. Its other duty is to accept the
 * ordinary events, or it saves nothing.
 */
const TYPES = Object.keys(orderEventSchemas) as OrderEventType[];

function schemaSays(type: OrderEventType, data: unknown): { ok: boolean; json?: string } {
  const parsed = orderEventSchemas[type].safeParse(data);
  return parsed.success ? { ok: true, json: JSON.stringify(parsed.data) } : { ok: false };
}

const canonicalEvent = orderPlan.map((plan) => eventsOfPlan("qc-1", { ...plan, poison: false }));

/** Values that sit on or just past the schemas' edges, and values of the wrong kind. */
const EDGE_VALUES: readonly unknown[] = [
  "",
  " ",
  "\t\n",
  "x".repeat(20),
  "x".repeat(21),
  "x".repeat(100),
  "x".repeat(101),
  "x".repeat(200),
  "x".repeat(201),
  "x".repeat(500),
  "x".repeat(501),
  "x".repeat(64),
  "x".repeat(65),
  "EUR",
  "eur",
  "EURO",
  "2026-02-28T23:59:59Z",
  "2026-02-29T00:00:00Z",
  "2028-02-29T00:00:00.000Z",
  "2026-04-31T00:00:00Z",
  "2026-13-01T00:00:00Z",
  "2026-01-01T24:00:00Z",
  "2026-01-01T10:00:00+01:00",
  "2026-01-01T10:00Z",
  "2026-01-01T10:00:00.1234567890Z",
  "2026-01-01 10:00:00Z",
  "order/1",
  0,
  -0,
  -1,
  1,
  1.5,
  10_000,
  10_001,
  1_000_000,
  1_000_000.01,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  Number.POSITIVE_INFINITY,
  Number.NaN,
  null,
  true,
  [],
  {},
  [{}],
  undefined,
];
const edgeValue = fc.oneof(fc.constantFrom(...EDGE_VALUES), fc.jsonValue({ maxDepth: 2 }));

/** One small change somewhere in the data: a value replaced, a key removed or added, two keys swapped. */
function mutateAt(data: unknown, path: number[], kind: number, value: unknown): unknown {
  const copy: unknown = structuredClone(data);
  let node: unknown = copy;
  for (const step of path) {
    const children = childrenOf(node);
    if (children.length === 0) break;
    const next = children[step % children.length];
    const deeper = childrenOf(next);
    if (deeper.length === 0) break;
    node = next;
  }
  if (Array.isArray(node)) {
    const i = (path.at(-1) ?? 0) % Math.max(1, node.length);
    if (kind === 0) node[i] = value;
    else if (kind === 1) node.splice(i, 1);
    else if (kind === 2) node.push(structuredClone(node[i]));
    else node.reverse();
    return copy;
  }
  if (typeof node !== "object" || node === null) return copy;
  const target = node as Record<string, unknown>;
  const keys = Object.keys(target);
  const key = keys[(path.at(-1) ?? 0) % Math.max(1, keys.length)] ?? "extra";
  if (kind === 0) target[key] = value;
  else if (kind === 1) Reflect.deleteProperty(target, key);
  else if (kind === 2) target.extra = value;
  else {
    // Same keys and values in another order.
    const entries = Object.entries(target).reverse();
    for (const k of keys) Reflect.deleteProperty(target, k);
    for (const [k, v] of entries) target[k] = v;
  }
  return copy;
}

function childrenOf(node: unknown): unknown[] {
  if (Array.isArray(node)) return node;
  if (typeof node === "object" && node !== null) return Object.values(node);
  return [];
}

/** Every place in the data: the path to each value, objects and arrays included. */
function placesOf(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const places = [path];
  if (Array.isArray(value)) value.forEach((item, i) => places.push(...placesOf(item, [...path, i])));
  else if (typeof value === "object" && value !== null)
    for (const [key, item] of Object.entries(value)) places.push(...placesOf(item, [...path, key]));
  return places;
}

/** The data with the value at `path` replaced, or removed when `value` is `REMOVE`. */
function withValueAt(data: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(data) as Record<string | number, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (value === REMOVE) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else Reflect.deleteProperty(node, last);
  } else node[last] = value;
  return copy;
}
const REMOVE = Symbol("remove");

/** One event of each type, with every optional field present. */
const EVERY_TYPE: { type: OrderEventType; data: unknown }[] = [
  {
    type: "OrderRequested",
    data: {
      orderNumber: "qc-1",
      hubId: 10000,
      customer: { customerId: 50000, deliveryAddress: { name: "Lea", street: "Weg 1", city: "Berlin", zipCode: "10243" } },
      delivery: { plannedDeliveryTime: "2026-01-02T10:00:00Z" },
      articles: [
        { article: "Mojito", quantity: 2, price: 7.5, currency: "EUR" },
        { article: "Tee", quantity: 1, price: 0, currency: "USD" },
      ],
    },
  },
  { type: "OrderAccepted", data: { orderNumber: "qc-1" } },
  { type: "OrderArticlesUpdated", data: { orderNumber: "qc-1", articles: [{ article: "Tee", quantity: 3, price: 2.2, currency: "EUR" }] } },
  { type: "OrderCancelled", data: { orderNumber: "qc-1", reason: "no longer needed" } },
  { type: "OrderPickingStarted", data: { orderNumber: "qc-1", pickingStartTime: "2026-01-02T10:00:00Z" } },
  {
    type: "OrderOutForDelivery",
    data: { orderNumber: "qc-1", pickingEndTime: "2026-01-02T10:00:00.123Z", plannedDeliveryTime: "2026-01-02T11:00:00Z" },
  },
  { type: "OrderDelivered", data: { orderNumber: "qc-1", deliveredTime: "2026-01-02T12:00:00Z" } },
];

describe("the quick check of stored order events", () => {
  it("is written for every type's current schema version, so that readers use it", () => {
    expect(QUICK_CHECKED_VERSIONS).toEqual(ORDER_EVENT_SCHEMA_VERSIONS);
  });

  it("is not used for a type whose schema version has moved past it", () => {
    const data = { orderNumber: "qc-1", pickingStartTime: "2026-01-02T10:00:00Z" };
    const schemaParse = vi.spyOn(orderEventSchemas.OrderPickingStarted, "safeParse");
    try {
      expect(readOrderEvent({ type: "OrderPickingStarted", schemaVersion: 1, data }).ok).toBe(true);
      expect(schemaParse).not.toHaveBeenCalled();
      (QUICK_CHECKED_VERSIONS as Record<string, number>).OrderPickingStarted = 0;
      expect(readOrderEvent({ type: "OrderPickingStarted", schemaVersion: 1, data }).ok).toBe(true);
      expect(schemaParse).toHaveBeenCalledTimes(1);
    } finally {
      (QUICK_CHECKED_VERSIONS as Record<string, number>).OrderPickingStarted = 1;
      schemaParse.mockRestore();
    }
  });

  it("agrees with the schema for every edge value, removal and extra key at every place of every event type", () => {
    let checked = 0;
    for (const { type, data } of EVERY_TYPE) {
      expect(certainlyValidOrderEventData(type, data)).toBe(true);
      for (const path of placesOf(data)) {
        for (const value of [...EDGE_VALUES, REMOVE, { ...{ extra: 1 } }]) {
          const changed = withValueAt(data, path, value);
          if (certainlyValidOrderEventData(type, changed))
            expect(schemaSays(type, changed)).toEqual({ ok: true, json: JSON.stringify(changed) });
          checked++;
        }
        const node = path.reduce<unknown>((n, step) => (n as Record<string | number, unknown>)[step], data);
        if (typeof node === "object" && node !== null && !Array.isArray(node)) {
          const extra = withValueAt(data, [...path, "extra"], "x");
          expect(certainlyValidOrderEventData(type, extra)).toBe(false);
          const reversed = Object.fromEntries(Object.entries(node).reverse());
          if (Object.keys(node).length > 1) expect(certainlyValidOrderEventData(type, withValueAt(data, path, reversed))).toBe(false);
        }
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it("accepts the events the decider writes, so that reading them skips the schema", () => {
    fc.assert(
      fc.property(canonicalEvent, (events) => {
        for (const event of events) expect(certainlyValidOrderEventData(event.type, event.data)).toBe(true);
      }),
    );
  });

  it("never accepts data the schema refuses, nor data the schema would change", () => {
    let accepted = 0;
    let refusedBySchema = 0;
    fc.assert(
      fc.property(
        canonicalEvent,
        fc.nat(),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        fc.nat({ max: 3 }),
        edgeValue,
        fc.nat({ max: 2 }),
        (events, pick, path, kind, value, rounds) => {
          const event = events[pick % events.length];
          if (event === undefined) return;
          let data: unknown = event.data;
          for (let r = 0; r <= rounds; r++)
            data = mutateAt(
              data,
              path.map((p) => p + r),
              (kind + r) % 4,
              value,
            );
          const type = TYPES[(pick >> 3) % 8 === 0 ? pick % TYPES.length : TYPES.indexOf(event.type)] as OrderEventType;
          const schema = schemaSays(type, data);
          if (!schema.ok) refusedBySchema++;
          if (certainlyValidOrderEventData(type, data)) {
            accepted++;
            expect(schema).toEqual({ ok: true, json: JSON.stringify(data) });
          }
        },
      ),
      { numRuns: 3000 },
    );
    // Both sides of the property were exercised: mutated data the check still took, and data the schema refused.
    expect(accepted).toBeGreaterThan(30);
    expect(refusedBySchema).toBeGreaterThan(500);
  });

  it("leaves the edge cases to the schema, which still accepts what is valid there", () => {
    const picking = (pickingStartTime: unknown) => ({ orderNumber: "qc-1", pickingStartTime });
    for (const time of ["2028-02-29T00:00:00Z", "2026-01-31T10:00:00Z", "2026-01-01T10:00:00+01:00"]) {
      expect(certainlyValidOrderEventData("OrderPickingStarted", picking(time))).toBe(false);
      expect(readOrderEvent({ type: "OrderPickingStarted", schemaVersion: 1, data: picking(time) }).ok).toBe(true);
    }
    const reordered = { pickingStartTime: "2026-01-01T10:00:00Z", orderNumber: "qc-1" };
    expect(certainlyValidOrderEventData("OrderPickingStarted", reordered)).toBe(false);
    const read = readOrderEvent({ type: "OrderPickingStarted", schemaVersion: 1, data: reordered });
    // The schema's output has its own key order, whatever the input's.
    expect(read.ok && JSON.stringify(read.event.data)).toBe('{"orderNumber":"qc-1","pickingStartTime":"2026-01-01T10:00:00Z"}');
  });

  it("still refuses, through the schema, with the failing field named", () => {
    const read = readOrderEvent({ type: "OrderPickingStarted", schemaVersion: 1, data: { orderNumber: "qc-1", pickingStartTime: "soon" } });
    expect(read).toEqual({ ok: false, reason: expect.stringContaining("pickingStartTime") as unknown });
  });
});
