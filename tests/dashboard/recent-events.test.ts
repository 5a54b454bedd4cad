import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalApp } from "../../functions/src/local/local-app.js";
import { startLocalApp } from "../../functions/src/local/local-app.js";
import { apiClient } from "../support/http-client.js";
import { address } from "../support/orders.js";

interface Page {
  events: { eventId: string; streamId: string; version: number; type: string; recordedAt: string }[];
  next: string;
}

let app: LocalApp;
let dataDir: string;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "es-recent-"));
  app = await startLocalApp({ dataDir, port: 0, log: () => undefined });
  api = apiClient(`http://127.0.0.1:${app.port}`);
});
afterAll(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const place = (orderNumber: string) =>
  api("POST", "/api/orders", {
    orderNumber,
    hubId: 10001,
    customer: { customerId: 50001, deliveryAddress: address(0) },
    articles: [{ article: "Mojito", quantity: 1, price: 7.5 }],
  });

describe("GET /api/feed: events across streams from a cursor", () => {
  it("starts at the latest events, then returns only what arrived after the cursor, oldest first", async () => {
    const empty = await api<Page>("GET", "/api/feed");
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ events: [], next: "0" });

    for (const n of [1, 2, 3]) expect((await place(`recent-${n}`)).status).toBe(201);
    expect((await api("POST", "/api/orders/recent-1/accept")).status).toBe(200);

    const tail = await api<Page>("GET", "/api/feed?limit=2");
    expect(tail.body.events.map((e) => [e.streamId, e.version, e.type])).toEqual([
      ["order-recent-3", 1, "OrderRequested"],
      ["order-recent-1", 2, "OrderAccepted"],
    ]);

    const all = await api<Page>("GET", `/api/feed?after=${empty.body.next}`);
    expect(all.body.events.map((e) => e.streamId)).toEqual(["order-recent-1", "order-recent-2", "order-recent-3", "order-recent-1"]);
    expect(all.body.events[0]).toEqual({
      eventId: expect.any(String),
      streamId: "order-recent-1",
      version: 1,
      type: "OrderRequested",
      recordedAt: expect.stringMatching(/Z$/),
    });

    const paged = await api<Page>("GET", `/api/feed?after=${empty.body.next}&limit=3`);
    expect(paged.body.events).toHaveLength(3);
    const rest = await api<Page>("GET", `/api/feed?after=${paged.body.next}&limit=3`);
    expect([...paged.body.events, ...rest.body.events]).toEqual(all.body.events);

    const idle = await api<Page>("GET", `/api/feed?after=${all.body.next}`);
    expect(idle.body).toEqual({ events: [], next: all.body.next });
    expect(idle.headers.get("cache-control")).toBe("no-store");
  });

  it("refuses a cursor it did not give out and a limit outside 1-200 with 400 problem documents", async () => {
    for (const query of ["after=abc", "after=", "after=1.5", "limit=0", "limit=201", "limit=ten", `after=${"9".repeat(40)}`]) {
      const response = await api("GET", `/api/feed?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body, query).toMatchObject({ type: "urn:eventsourcing-azure:problem:validation-failed" });
    }
  });
});
