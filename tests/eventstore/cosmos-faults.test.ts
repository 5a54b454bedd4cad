import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Container, CosmosClient } from "@azure/cosmos";
import type { AppDependencies } from "../../functions/src/handlers/dependencies.js";
import type { CosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import type { FaultProxy } from "../support/fault-proxy.js";
import { cosmosRecentEvents } from "../../functions/src/dashboard/cosmos-recent-events.js";
import { CosmosEventStore } from "../../functions/src/eventstore/cosmos/cosmos-event-store.js";
import { createRoutes } from "../../functions/src/handlers/routes.js";
import { CosmosDeadLetters } from "../../functions/src/projections/cosmos/cosmos-dead-letters.js";
import { CosmosViewStore } from "../../functions/src/projections/cosmos/cosmos-view-store.js";
import { HttpRequest, InvocationContext } from "../../functions/src/shared/azure-functions-runtime.js";
import { clientFor, startCosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import { startFaultProxy } from "../support/fault-proxy.js";
import { requestedData } from "../support/orders.js";

const REQUEST_TIMEOUT_MS = 300;
let endpoint: CosmosTestEndpoint;
let proxy: FaultProxy;
let proxied: CosmosClient;
let direct: Container;
let append: ReturnType<typeof createRoutes>[number]["handler"];
let readStream: ReturnType<typeof createRoutes>[number]["handler"];

const isBatch = (request: IncomingMessage) => request.headers["x-ms-cosmos-is-batch-request"] !== undefined;

// The proxy fronts the in-process cosmosdb-server over plain HTTP, even when COSMOS_ENDPOINT is set:
// what is under test is the adapters' retry logic, not Cosmos DB.
describe("Cosmos adapters behind a fault-injecting proxy", () => {
  beforeAll(async () => {
    endpoint = await startCosmosTestEndpoint({ local: true });
    const { database, containers } = await endpoint.createDatabase();
    direct = containers.events;
    proxy = await startFaultProxy(endpoint.endpoint);
    proxied = clientFor(proxy.endpoint, endpoint.key, REQUEST_TIMEOUT_MS);
    const db = proxied.database(database.id);
    const retry = { maxAttempts: 4, maxTotalWaitMs: 800, baseDelayMs: 20 };
    const views = new CosmosViewStore(db.container("views"), retry);
    const deps: AppDependencies = {
      events: new CosmosEventStore({ container: db.container("events"), retry }),
      views,
      deadLetters: new CosmosDeadLetters(db.container("deadletters"), retry),
      recentEvents: cosmosRecentEvents(db.container("events")),
      projectionHealth: () => Promise.resolve({ position: null, lagEvents: null, lagMs: null }),
      now: () => new Date(),
      newId: randomUUID,
    };
    const routes = createRoutes(deps);
    const find = (name: string) => {
      const route = routes.find((r) => r.name === name);
      if (!route) throw new Error(name);
      return route.handler;
    };
    append = find("appendEvents");
    readStream = find("readStream");
  });
  afterEach(() => {
    proxy.plan = () => ({ kind: "pass" });
    proxy.log.length = 0;
    proxy.delayed.length = 0;
  });
  afterAll(async () => {
    proxied.dispose();
    await proxy.close();
    await endpoint.close();
  });

  async function post(orderNumber: string) {
    const body = {
      expectedVersion: "no_stream",
      events: [
        { type: "OrderRequested", data: requestedData(orderNumber) },
        { type: "OrderAccepted", data: { orderNumber } },
      ],
    };
    const request = new HttpRequest({
      method: "POST",
      url: `http://localhost/api/streams/order-${orderNumber}/events`,
      headers: { "content-type": "application/json" },
      params: { streamId: `order-${orderNumber}` },
      body: { string: JSON.stringify(body) },
    });
    const response = await append(request, new InvocationContext({ functionName: "appendEvents" }));
    return {
      status: response.status,
      headers: response.headers as Record<string, string>,
      body: JSON.parse(response.body as string) as Record<string, unknown>,
    };
  }

  async function stored(orderNumber: string): Promise<number[]> {
    const { resources } = await direct.items
      .query<{ version: number }>({
        query: "SELECT c.version FROM c WHERE c.streamId = @s",
        parameters: [{ name: "@s", value: `order-${orderNumber}` }],
      })
      .fetchAll();
    return resources.map((r) => r.version).sort((a, b) => a - b);
  }

  it("waits out 429s with the server's retry-after, then appends once", async () => {
    let batches = 0;
    proxy.plan = (request) => (isBatch(request) && ++batches <= 2 ? { kind: "status", status: 429, retryAfterMs: 40 } : { kind: "pass" });
    const started = Date.now();
    const response = await post("throttled");
    expect(response.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(80);
    expect(batches).toBe(3);
    expect(await stored("throttled")).toEqual([1, 2]);
  });

  it("answers 503 with Retry-After when the store stays unavailable past the bound, and writes nothing", async () => {
    proxy.plan = (request) => (isBatch(request) ? { kind: "status", status: 503 } : { kind: "pass" });
    const response = await post("unavailable");
    expect(response.status).toBe(503);
    expect(response.headers["content-type"]).toMatch(/problem\+json/);
    expect(response.body).toMatchObject({ type: "urn:eventsourcing-azure:problem:store-unavailable", status: 503 });
    expect(Number(response.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(proxy.log.filter((l) => l.endsWith("503")).length).toBe(4);
    expect(await stored("unavailable")).toEqual([]);
  });

  it("recognises its own append after the connection drops once the store has committed: stored once", async () => {
    let batches = 0;
    proxy.plan = (request) => (isBatch(request) && ++batches === 1 ? { kind: "drop-after" } : { kind: "pass" });
    const response = await post("dropped-after");
    expect([200, 201]).toContain(response.status);
    expect(response.body).toMatchObject({ firstVersion: 1, lastVersion: 2 });
    expect(await stored("dropped-after")).toEqual([1, 2]);
  });

  it("retries a connection dropped before the store saw the request", async () => {
    let batches = 0;
    proxy.plan = (request) => (isBatch(request) && ++batches === 1 ? { kind: "drop-before" } : { kind: "pass" });
    const response = await post("dropped-before");
    expect(response.status).toBe(201);
    expect(await stored("dropped-before")).toEqual([1, 2]);
  });

  it("retries a response slower than the timeout; the late original cannot write twice", async () => {
    let batches = 0;
    proxy.plan = (request) => (isBatch(request) && ++batches === 1 ? { kind: "delay", ms: REQUEST_TIMEOUT_MS * 3 } : { kind: "pass" });
    const response = await post("slow");
    expect(proxy.delayed).toHaveLength(1);
    // Settles once the delayed original has reached the store and been answered.
    const late = await proxy.delayed[0];
    if (late === undefined || "error" in late) throw new Error(`the delayed original was not answered: ${JSON.stringify(late)}`);
    const lateWrote = (JSON.parse(late.body) as { statusCode: number }[]).every((op) => op.statusCode < 400);
    // Exactly one copy writes: the retry (201, and the late original is refused with 409) or, had
    // the original landed first, the original (and the retry is recognised as a replay, 200).
    expect(response.status).toBe(lateWrote ? 200 : 201);
    expect(await stored("slow")).toEqual([1, 2]);
  });

  it("answers reads with 503, not 500, when every query times out", async () => {
    proxy.plan = () => ({ kind: "delay", ms: REQUEST_TIMEOUT_MS * 2 });
    const response = await readStream(
      new HttpRequest({
        method: "GET",
        url: "http://localhost/api/streams/order-throttled/events",
        params: { streamId: "order-throttled" },
      }),
      new InvocationContext({ functionName: "readStream" }),
    );
    expect(response.status).toBe(503);
  });
});
