import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HttpHandler } from "@azure/functions";
import type { AppDependencies } from "../../functions/src/handlers/dependencies.js";
import { SqliteEventStore } from "../../functions/src/eventstore/sqlite/sqlite-event-store.js";
import { createRoutes } from "../../functions/src/handlers/routes.js";
import { projectBatch } from "../../functions/src/projections/projection-engine.js";
import { sqliteRecentEvents } from "../../functions/src/dashboard/sqlite-recent-events.js";
import { SqliteProjectionStore } from "../../functions/src/projections/sqlite/sqlite-projection-store.js";
import { HttpRequest, InvocationContext } from "../../functions/src/shared/azure-functions-runtime.js";
import { requestedData } from "../support/orders.js";

let events: SqliteEventStore;
let views: SqliteProjectionStore;
let logged: string[];
let handlers: Record<string, HttpHandler>;

beforeEach(() => {
  events = new SqliteEventStore({ file: ":memory:" });
  views = new SqliteProjectionStore(":memory:");
  logged = [];
  const deps: AppDependencies = {
    events,
    recentEvents: sqliteRecentEvents(events),
    views,
    deadLetters: views,
    projectionHealth: () => Promise.resolve({ position: null, lagEvents: null, lagMs: null }),
    now: () => new Date("2026-11-27T12:00:00.000Z"),
    newId: randomUUID,
  };
  handlers = Object.fromEntries(createRoutes(deps).map((r) => [r.name, r.handler]));
});
afterEach(async () => {
  await events.close();
});

async function call(name: string, method: string, path: string, params: Record<string, string>, body?: unknown) {
  const handler = handlers[name];
  if (!handler) throw new Error(`no route ${name}`);
  const request = new HttpRequest({
    method,
    url: `http://localhost${path}`,
    params,
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: { string: JSON.stringify(body) } }),
  });
  const context = new InvocationContext({
    functionName: name,
    logHandler: (level, ...args) => logged.push(`${level} ${args.map(String).join(" ")}`),
  });
  const response = await handler(request, context);
  return { status: response.status ?? 200, body: JSON.parse(response.body as string) as Record<string, unknown> };
}
const append = (streamId: string, body: unknown) => call("appendEvents", "POST", `/api/streams/${streamId}/events`, { streamId }, body);
const readStream = (streamId: string) => call("readStream", "GET", `/api/streams/${streamId}/events`, { streamId });

describe("raw appends to an order stream keep to the lifecycle", () => {
  it("refuses OrderDelivered straight after OrderRequested with 422 and writes nothing", async () => {
    expect(
      (await append("order-r1", { expectedVersion: "no_stream", events: [{ type: "OrderRequested", data: requestedData("r1") }] })).status,
    ).toBe(201);
    const refused = await append("order-r1", {
      events: [{ type: "OrderDelivered", data: { orderNumber: "r1", deliveredTime: "2026-11-27T12:00:00Z" } }],
    });
    expect(refused).toMatchObject({ status: 422, body: { type: "urn:eventsourcing-azure:problem:lifecycle-violation" } });
    expect(await events.headPosition()).toBe(1);
  });

  it("checks every event of one append in order, against the state the earlier ones leave", async () => {
    const lifecycle = [
      { type: "OrderRequested", data: requestedData("r2") },
      { type: "OrderAccepted", data: { orderNumber: "r2" } },
      { type: "OrderPickingStarted", data: { orderNumber: "r2", pickingStartTime: "2026-11-27T10:00:00Z" } },
    ];
    expect((await append("order-r2", { events: lifecycle })).status).toBe(201);
    const skipped = await append("order-r3", {
      events: [
        { type: "OrderRequested", data: requestedData("r3") },
        { type: "OrderPickingStarted", data: { orderNumber: "r3", pickingStartTime: "2026-11-27T10:00:00Z" } },
      ],
    });
    expect(skipped).toMatchObject({ status: 422, body: { detail: expect.stringMatching(/^events\[1\]: OrderPickingStarted/) as unknown } });
    expect(await events.headPosition()).toBe(3);
  });

  it("answers a wrong expected version 409 before looking at the lifecycle, and a retry of a stored append 200", async () => {
    const placed = { expectedVersion: "no_stream", events: [{ eventId: randomUUID(), type: "OrderRequested", data: requestedData("r4") }] };
    expect((await append("order-r4", placed)).status).toBe(201);
    expect((await append("order-r4", placed)).status).toBe(200);
    const conflict = await append("order-r4", { expectedVersion: 5, events: [{ type: "OrderRequested", data: requestedData("r4") }] });
    expect(conflict).toMatchObject({ status: 409, body: { currentVersion: 1 } });
    expect((await readStream("order-r4")).body.version).toBe(1);
  });

  it("stores what the door filled in: the current schema version and a line's default currency", async () => {
    await append("order-r5", { events: [{ type: "OrderRequested", data: requestedData("r5") }] });
    const { body } = await readStream("order-r5");
    expect(body.events).toEqual([
      expect.objectContaining({
        schemaVersion: 2,
        data: expect.objectContaining({ articles: [{ article: "Mojito", quantity: 2, price: 7.5, currency: "EUR" }] }) as unknown,
      }),
    ]);
    const stale = await append("order-r6", { events: [{ type: "OrderRequested", schemaVersion: 1, data: requestedData("r6") }] });
    expect(stale).toMatchObject({ status: 400, body: { detail: expect.stringContaining("schema version 2") as unknown } });
  });
});

describe("other streams are generic", () => {
  it("take any event type of the pattern with any JSON object as data, and the producer's schema version", async () => {
    const appended = await append("payments-1", {
      events: [
        { type: "PaymentReceived", data: { amount: { value: 12.5, currency: "EUR" }, lines: [1, 2] } },
        { type: "com.example:refund-issued", schemaVersion: 3, data: {} },
        { type: "OrderAccepted", data: { anything: true } },
      ],
    });
    expect(appended).toMatchObject({ status: 201, body: { firstVersion: 1, lastVersion: 3 } });
    const { body } = await readStream("payments-1");
    expect((body.events as { type: string; schemaVersion: number }[]).map((e) => [e.type, e.schemaVersion])).toEqual([
      ["PaymentReceived", 1],
      ["com.example:refund-issued", 3],
      ["OrderAccepted", 1],
    ]);
  });

  it("are ignored by the projections", async () => {
    await append("payments-2", { events: [{ type: "PaymentReceived", data: { amount: 1 } }] });
    const outcome = await projectBatch(await events.readAll(0, 10), { views, deadLetters: views, now: () => new Date() });
    expect(outcome).toMatchObject({ applied: 0, ignored: 1, deadLettered: 0, writes: 0 });
  });
});

describe("a stored order event that no upcaster and no schema accepts", () => {
  beforeEach(async () => {
    // Only a writer that bypasses the door (an older release, a manual fix) can store these.
    await events.append(
      "order-bad",
      [{ eventId: randomUUID(), type: "OrderRequested", schemaVersion: 2, data: requestedData("bad"), metadata: {} }],
      "no_stream",
    );
    await events.append(
      "order-bad",
      [{ eventId: randomUUID(), type: "OrderAccepted", schemaVersion: 5, data: { orderNumber: "bad" }, metadata: {} }],
      1,
    );
  });

  it("fails commands and reads of the order with a 500 problem that names it, logged, and writes nothing", async () => {
    for (const response of [
      await call("getOrder", "GET", "/api/orders/bad", { orderNumber: "bad" }),
      await call("cancelOrder", "POST", "/api/orders/bad/cancel", { orderNumber: "bad" }),
      await append("order-bad", { events: [{ type: "OrderCancelled", data: { orderNumber: "bad" } }] }),
    ]) {
      expect(response).toMatchObject({
        status: 500,
        body: { type: "urn:eventsourcing-azure:problem:unreadable-event", streamId: "order-bad", version: 1 },
      });
      expect(response.body.detail).toMatch(/currency/);
    }
    expect(logged.filter((line) => line.startsWith("error unreadable-event"))).toHaveLength(3);
    expect(await events.headPosition()).toBe(2);
  });

  it("is dead-lettered by the projections, with the reason, never skipped silently", async () => {
    const outcome = await projectBatch(await events.readAll(0, 10), { views, deadLetters: views, now: () => new Date() });
    expect(outcome).toMatchObject({ deadLettered: 2 });
    const letters = await views.list(10);
    expect(letters.map((l) => l.reason)).toEqual([
      expect.stringContaining("currency"),
      expect.stringContaining("schema version 5 cannot be read"),
    ]);
  });
});
