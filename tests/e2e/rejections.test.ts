import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalApp } from "../../functions/src/local/local-app.js";
import type { ApiResponse } from "../support/http-client.js";
import { PROBLEM_TYPE_BASE } from "../../functions/src/application/problems.js";
import { startLocalApp } from "../../functions/src/local/local-app.js";
import { apiClient } from "../support/http-client.js";
import { address, requestedData } from "../support/orders.js";

let app: LocalApp;
let dataDir: string;
let api: ReturnType<typeof apiClient>;
const ORDER = "rejections-1";
const STREAM = `order-${ORDER}`;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "es-4xx-"));
  app = await startLocalApp({ dataDir, port: 0, log: () => undefined });
  api = apiClient(`http://127.0.0.1:${app.port}`);
  // The order is PICKING: cancel is forbidden there, and the stream is at version 3.
  expect(
    (
      await api("POST", `/api/streams/${STREAM}/events`, {
        expectedVersion: "no_stream",
        events: [{ type: "OrderRequested", data: requestedData(ORDER) }],
      })
    ).status,
  ).toBe(201);
  expect((await api("POST", `/api/orders/${ORDER}/accept`)).status).toBe(200);
  expect((await api("POST", `/api/orders/${ORDER}/start-picking`)).status).toBe(200);
});
afterAll(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const accepted = (n = 1) => Array.from({ length: n }, () => ({ type: "OrderAccepted", data: { orderNumber: ORDER } }));

/** Sends a request, checks status and problem document, and proves that nothing was written. */
async function expectRejected(send: () => Promise<ApiResponse>, status: number, kind: string): Promise<ApiResponse> {
  const head = await app.events.headPosition();
  const response = await send();
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: `${PROBLEM_TYPE_BASE}${kind}`, status });
  const body = response.body as { title: unknown; detail: unknown };
  expect(typeof body.title).toBe("string");
  expect(typeof body.detail).toBe("string");
  expect(await app.events.headPosition()).toBe(head);
  const stream = await api("GET", `/api/streams/${STREAM}/events`);
  expect(stream.body.version).toBe(3);
  return response;
}

const post =
  (path: string, body: string, contentType = "application/json") =>
  () =>
    api("POST", path, body, { "content-type": contentType });

describe("every 4xx of the API answers problem+json and writes nothing", () => {
  it("400 for a body that is not JSON", async () => {
    await expectRejected(post(`/api/streams/${STREAM}/events`, '{"events": [ {"type": '), 400, "invalid-json");
  });

  it("415 for a body that is not application/json", async () => {
    await expectRejected(
      post(`/api/streams/${STREAM}/events`, JSON.stringify({ events: accepted() }), "text/plain"),
      415,
      "unsupported-media-type",
    );
    await expectRejected(
      post(`/api/orders/${ORDER}/cancel`, "reason=x", "application/x-www-form-urlencoded"),
      415,
      "unsupported-media-type",
    );
  });

  it("413 for a body of 1 MiB + 1 byte, declared or streamed", async () => {
    const body = JSON.stringify({ events: [{ type: "OrderAccepted", data: { orderNumber: ORDER }, metadata: { pad: "" } }] });
    const padded = body.replace('"pad":""', `"pad":"${"x".repeat(1024 * 1024 + 1 - body.length)}"`);
    expect(Buffer.byteLength(padded)).toBe(1024 * 1024 + 1);
    await expectRejected(post(`/api/streams/${STREAM}/events`, padded), 413, "payload-too-large");
    // Streamed without a Content-Length: the server counts while reading and stops at the limit.
    const streamed = async (): Promise<ApiResponse> => {
      const response = await fetch(`http://127.0.0.1:${app.port}/api/streams/${STREAM}/events`, {
        method: "POST",
        body: new Blob([padded]).stream(),
        headers: { "content-type": "application/json" },
        duplex: "half",
      });
      return { status: response.status, headers: response.headers, body: await response.json() };
    };
    await expectRejected(streamed, 413, "payload-too-large");
  });

  it("400 for an unknown event type", async () => {
    await expectRejected(
      () => api("POST", `/api/streams/${STREAM}/events`, { events: [{ type: "OrderTeleported", data: { orderNumber: ORDER } }] }),
      400,
      "unknown-event-type",
    );
  });

  it("400 for data that fails the type's schema, and for an order event naming another order", async () => {
    await expectRejected(
      () =>
        api("POST", `/api/streams/${STREAM}/events`, {
          events: [{ type: "OrderPickingStarted", data: { orderNumber: ORDER, pickingStartTime: "yesterday" } }],
        }),
      400,
      "validation-failed",
    );
    await expectRejected(
      () => api("POST", `/api/streams/${STREAM}/events`, { events: [{ type: "OrderAccepted", data: { orderNumber: "other" } }] }),
      400,
      "validation-failed",
    );
    await expectRejected(
      () => api("POST", `/api/streams/${STREAM}/events`, { expectedVersion: -1, events: accepted() }),
      400,
      "validation-failed",
    );
  });

  it("400 for a bad streamId", async () => {
    for (const bad of ["-starts-with-dash", "has%20space", "x".repeat(129), "..%2F..%2Fetc"]) {
      await expectRejected(() => api("POST", `/api/streams/${bad}/events`, { events: accepted() }), 400, "invalid-stream-id");
    }
  });

  it("400 for too many events, or none", async () => {
    await expectRejected(() => api("POST", `/api/streams/${STREAM}/events`, { events: accepted(101) }), 400, "too-many-events");
    await expectRejected(() => api("POST", `/api/streams/${STREAM}/events`, { events: [] }), 400, "too-many-events");
  });

  it("400 for duplicate eventIds in one request", async () => {
    const eventId = randomUUID();
    await expectRejected(
      () => api("POST", `/api/streams/${STREAM}/events`, { events: accepted(2).map((e) => ({ ...e, eventId })) }),
      400,
      "duplicate-event-ids",
    );
  });

  it("409 with currentVersion for a wrong expected version", async () => {
    const response = await expectRejected(
      () => api("POST", `/api/streams/${STREAM}/events`, { expectedVersion: 2, events: accepted() }),
      409,
      "wrong-expected-version",
    );
    expect(response.body).toMatchObject({ currentVersion: 3 });
    await expectRejected(
      () => api("POST", `/api/streams/${STREAM}/events`, { expectedVersion: 7, events: accepted() }),
      409,
      "wrong-expected-version",
    );
    await expectRejected(
      () => api("POST", `/api/streams/${STREAM}/events`, { expectedVersion: "no_stream", events: accepted() }),
      409,
      "wrong-expected-version",
    );
  });

  it("422 for a raw append that breaks the order's lifecycle, after 409 for a wrong expected version", async () => {
    const delivered = [{ type: "OrderDelivered", data: { orderNumber: ORDER, deliveredTime: "2026-11-27T12:00:00Z" } }];
    const response = await expectRejected(
      () => api("POST", `/api/streams/${STREAM}/events`, { events: delivered }),
      422,
      "lifecycle-violation",
    );
    expect(response.body).toMatchObject({ detail: expect.stringContaining("PICKING") as unknown });
    await expectRejected(
      () =>
        api("POST", `/api/streams/${STREAM}/events`, {
          expectedVersion: 3,
          events: [{ type: "OrderRequested", data: requestedData(ORDER) }],
        }),
      422,
      "lifecycle-violation",
    );
    await expectRejected(
      () => api("POST", `/api/streams/${STREAM}/events`, { expectedVersion: 3, events: accepted() }),
      422,
      "lifecycle-violation",
    );
    await expectRejected(
      () => api("POST", `/api/streams/${STREAM}/events`, { expectedVersion: 2, events: delivered }),
      409,
      "wrong-expected-version",
    );
  });

  it("400 for an event on another stream whose type is outside the pattern or whose data is not an object", async () => {
    const other = "/api/streams/payments-1/events";
    for (const type of ["9Lives", "has space", "semi;colon", "x".repeat(101)])
      await expectRejected(() => api("POST", other, { events: [{ type, data: {} }] }), 400, "validation-failed");
    for (const data of [[1, 2], "text", null, 3])
      await expectRejected(() => api("POST", other, { events: [{ type: "PaymentReceived", data }] }), 400, "validation-failed");
    let deep: object = {};
    for (let i = 0; i < 40; i++) deep = { deep };
    await expectRejected(() => api("POST", other, { events: [{ type: "PaymentReceived", data: deep }] }), 400, "validation-failed");
  });

  it("409 for placing an order number that exists", async () => {
    await expectRejected(
      () =>
        api("POST", "/api/orders", {
          orderNumber: ORDER,
          hubId: 10001,
          customer: { customerId: 50001, deliveryAddress: address() },
          articles: requestedData(ORDER).articles,
        }),
      409,
      "order-exists",
    );
  });

  it("422 for a command the lifecycle forbids", async () => {
    await expectRejected(() => api("POST", `/api/orders/${ORDER}/cancel`), 422, "lifecycle-violation");
    await expectRejected(
      () => api("PUT", `/api/orders/${ORDER}/articles`, { articles: [{ article: "Mojito", quantity: 1, price: 7.5 }] }),
      422,
      "lifecycle-violation",
    );
  });

  it("412 for an If-Match that is not the current version", async () => {
    const response = await expectRejected(
      () => api("POST", `/api/orders/${ORDER}/dispatch`, undefined, { "if-match": '"2"' }),
      412,
      "precondition-failed",
    );
    expect(response.body).toMatchObject({ currentVersion: 3 });
  });

  it("404 for an unknown order, stream, view or route; 405 for a wrong method", async () => {
    await expectRejected(() => api("POST", "/api/orders/no-such-order/accept"), 404, "order-not-found");
    await expectRejected(() => api("GET", "/api/orders/no-such-order"), 404, "order-not-found");
    await expectRejected(() => api("GET", "/api/streams/order-no-such-order/events"), 404, "stream-not-found");
    await expectRejected(() => api("GET", "/api/views/customers/49999"), 404, "view-not-found");
    await expectRejected(() => api("GET", "/api/views/hubs/10001/days/2001-01-01"), 404, "view-not-found");
    await expectRejected(() => api("GET", "/api/nothing/here"), 404, "route-not-found");
    const wrongMethod = await expectRejected(() => api("DELETE", `/api/orders/${ORDER}`), 405, "method-not-allowed");
    expect(wrongMethod.headers.get("allow")).toBe("GET");
  });

  it("400 for malformed identifiers and query parameters", async () => {
    await expectRejected(() => api("GET", "/api/views/customers/abc"), 400, "invalid-identifier");
    await expectRejected(() => api("GET", "/api/views/hubs/10001/days/2026-02-30"), 400, "invalid-identifier");
    await expectRejected(() => api("GET", "/api/views/customers?top=0"), 400, "validation-failed");
    await expectRejected(() => api("GET", `/api/streams/${STREAM}/events?maxCount=5000`), 400, "validation-failed");
    await expectRejected(() => api("POST", `/api/orders/${ORDER}/dispatch`, undefined, { "if-match": "soon" }), 400, "validation-failed");
  });

  it("a retried append with the same eventIds answers 200 with the same result and writes nothing", async () => {
    const stream = "scratch-retry";
    const request = {
      expectedVersion: "no_stream",
      events: [{ eventId: randomUUID(), type: "OrderAccepted", data: { orderNumber: "x" } }],
    };
    const first = await api("POST", `/api/streams/${stream}/events`, request);
    expect(first.status).toBe(201);
    const head = await app.events.headPosition();
    const retry = await api("POST", `/api/streams/${stream}/events`, request);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get("etag")).toBe('"1"');
    expect(await app.events.headPosition()).toBe(head);
  });
});
