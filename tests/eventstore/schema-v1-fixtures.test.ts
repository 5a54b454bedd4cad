import Database from "better-sqlite3";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventDocument } from "../../functions/src/eventstore/cosmos/event-document.js";
import type { EventStore, RecordedEvent } from "../../functions/src/eventstore/event-store.js";
import type { CosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import { loadOrder } from "../../functions/src/application/load-order.js";
import { CosmosEventStore } from "../../functions/src/eventstore/cosmos/cosmos-event-store.js";
import { fromEventDocument } from "../../functions/src/eventstore/cosmos/event-document.js";
import { SqliteEventStore } from "../../functions/src/eventstore/sqlite/sqlite-event-store.js";
import { createRoutes } from "../../functions/src/handlers/routes.js";
import { projectBatch } from "../../functions/src/projections/projection-engine.js";
import { sqliteRecentEvents } from "../../functions/src/dashboard/sqlite-recent-events.js";
import { SqliteProjectionStore } from "../../functions/src/projections/sqlite/sqlite-projection-store.js";
import { HttpRequest, InvocationContext } from "../../functions/src/shared/azure-functions-runtime.js";
import { startCosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";

/**
 * Events stored before events carried a schema version (fixtures/schema-v1/README.md) must fold
 * and project to what the code of that time answered, with one difference the change intends:
 * every article line now says its currency, and v1 lines were euros.
 */
const FIXTURES = join(import.meta.dirname, "fixtures", "schema-v1");
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));

interface Expected {
  readonly orders: Record<string, Record<string, unknown>>;
  readonly views: {
    readonly customers: Record<string, unknown>;
    readonly hubDays: Record<string, unknown>;
    readonly orders: Record<string, unknown>;
  };
  readonly deadLetters: number;
}

/** The v1 answers with `currency: "EUR"` on every article line (hub-day `articles` is a map of quantities, not lines). */
function withEuroLines(value: Expected): Expected {
  return JSON.parse(JSON.stringify(value), (key, inner: unknown) =>
    key === "articles" && Array.isArray(inner) ? inner.map((line: Record<string, unknown>) => ({ ...line, currency: "EUR" })) : inner,
  ) as Expected;
}

/** And the customer view, now paged, adds `next: null` to a single page. */
function withPagedCustomers(value: Expected): Expected {
  const customers = Object.fromEntries(
    Object.entries(value.views.customers).map(([id, view]) => [id, { ...(view as object), next: null }]),
  );
  return { ...value, views: { ...value.views, customers } };
}

const expected = withPagedCustomers(withEuroLines(fixture("expected-by-v1-code.json") as Expected));
const ORDER_NUMBERS = Object.keys(expected.orders);

/** The table as it was before the schema_version column. */
const V1_SCHEMA = `
CREATE TABLE events (
  position    INTEGER PRIMARY KEY,
  stream_id   TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  event_id    TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at TEXT    NOT NULL,
  UNIQUE (stream_id, version),
  UNIQUE (stream_id, event_id)
) STRICT;`;

async function foldedOrders(store: EventStore) {
  const orders: Record<string, unknown> = {};
  for (const orderNumber of ORDER_NUMBERS) {
    const { state, version } = await loadOrder(store, orderNumber);
    const { exists: _exists, ...order } = state as { exists: boolean };
    orders[orderNumber] = { ...order, version };
  }
  return orders;
}

/** Projects the events as one runtime's feed delivers them and reads the views back through the API's handlers. */
async function projectedViews(events: readonly RecordedEvent[]) {
  const views = new SqliteProjectionStore(":memory:");
  await projectBatch(events, { views, deadLetters: views, now: () => new Date("2026-11-28T00:00:00.000Z") });
  const store = new SqliteEventStore({ file: ":memory:" });
  const routes = createRoutes({
    events: store,
    recentEvents: sqliteRecentEvents(store),
    views,
    deadLetters: views,
    projectionHealth: () => Promise.resolve({ position: null, lagEvents: null, lagMs: null }),
    now: () => new Date(),
    newId: () => "unused",
  });
  const get = async (name: string, path: string, params: Record<string, string>) => {
    const handler = routes.find((r) => r.name === name)?.handler;
    if (!handler) throw new Error(`no route ${name}`);
    const response = await handler(
      new HttpRequest({ method: "GET", url: `http://localhost${path}`, params }),
      new InvocationContext({ functionName: name }),
    );
    return JSON.parse(response.body as string) as unknown;
  };
  const customers: Record<string, unknown> = {};
  for (const id of Object.keys(expected.views.customers))
    customers[id] = await get("getCustomerView", `/api/views/customers/${id}`, { customerId: id });
  const hubDays: Record<string, unknown> = {};
  for (const key of Object.keys(expected.views.hubDays)) {
    const [hubId = "", day = ""] = key.split("/");
    hubDays[key] = await get("getHubDayView", `/api/views/hubs/${hubId}/days/${day}`, { hubId, day });
  }
  const orders: Record<string, unknown> = {};
  for (const orderNumber of Object.keys(expected.views.orders))
    orders[orderNumber] = await get("getOrderView", `/api/views/orders/${orderNumber}`, { orderNumber });
  return { views: { customers, hubDays, orders }, deadLetters: await views.count() };
}

describe("events stored before schema versions (SQLite file of the old layout)", () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "es-v1-"));
    const file = join(dir, "events.db");
    const old = new Database(file);
    old.exec(V1_SCHEMA);
    const insert = old.prepare(
      "INSERT INTO events (position, stream_id, version, event_id, type, data, metadata, recorded_at) VALUES (@position, @stream_id, @version, @event_id, @type, @data, @metadata, @recorded_at)",
    );
    for (const row of fixture("sqlite-events.json") as object[]) insert.run(row);
    old.close();
    store = new SqliteEventStore({ file });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gains the schema_version column on open, every stored event at version 1, the data untouched", () => {
    const raw = new Database(join(dir, "events.db"), { readonly: true });
    const rows = raw
      .prepare<[], { schema_version: number; data: string }>("SELECT schema_version, data FROM events ORDER BY position")
      .all();
    raw.close();
    const v1 = fixture("sqlite-events.json") as { data: string }[];
    expect(rows).toEqual(v1.map(({ data }) => ({ schema_version: 1, data })));
  });

  it("folds every order to the state the v1 code answered", async () => {
    expect(await foldedOrders(store)).toEqual(expected.orders);
  });

  it("projects the feed to the views the v1 code served, with no dead letter", async () => {
    const events = await store.readAll(0, 1000);
    expect(events.filter((e) => e.type === "OrderRequested").map((e) => e.schemaVersion)).toEqual([2, 2, 2]);
    expect(await projectedViews(events)).toEqual({ views: expected.views, deadLetters: 0 });
  });

  it("takes new events after the old ones and folds both together", async () => {
    await store.append(
      "order-v1-picking",
      [
        {
          eventId: "00000000-0000-4000-8000-0000000000aa",
          type: "OrderOutForDelivery",
          schemaVersion: 1,
          data: { orderNumber: "v1-picking", pickingEndTime: "2026-11-27T11:00:00Z" },
          metadata: {},
        },
      ],
      4,
    );
    const { state, version } = await loadOrder(store, "v1-picking");
    expect(version).toBe(5);
    expect(state).toMatchObject({ status: "DELIVERING", articles: (expected.orders["v1-picking"] as { articles: unknown }).articles });
  });
});

describe("events stored before schema versions (Cosmos DB documents of the old layout)", () => {
  let endpoint: CosmosTestEndpoint;
  let store: CosmosEventStore;
  const documents = fixture("cosmos-event-documents.json") as (EventDocument & Record<string, unknown>)[];
  beforeAll(async () => {
    endpoint = await startCosmosTestEndpoint();
    const { containers } = await endpoint.createDatabase();
    // Written as the old code wrote them (the system fields are the server's own to set).
    for (const document of documents)
      await containers.events.items.create(Object.fromEntries(Object.entries(document).filter(([key]) => !key.startsWith("_"))));
    store = new CosmosEventStore({ container: containers.events });
  });
  afterAll(async () => {
    await endpoint.close();
  });

  it("the documents carry no schemaVersion field", () => {
    expect(documents.filter((d) => "schemaVersion" in d)).toEqual([]);
  });

  it("folds every order to the state the v1 code answered", async () => {
    expect(await foldedOrders(store)).toEqual(expected.orders);
  });

  it("projects change-feed documents (system fields included) to the views the v1 code served, with no dead letter", async () => {
    // Per stream in version order, as the change feed delivers a partition: what the Azure projector reads.
    const events = documents.map(fromEventDocument);
    expect(await projectedViews(events)).toEqual({ views: expected.views, deadLetters: 0 });
  });
});
