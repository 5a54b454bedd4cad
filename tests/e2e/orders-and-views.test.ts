import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalApp } from "../../functions/src/local/local-app.js";
import { startLocalApp } from "../../functions/src/local/local-app.js";
import { apiClient } from "../support/http-client.js";
import { address, CATALOGUE } from "../support/orders.js";
import { waitForProjection } from "../support/wait-for-projection.js";

type Line = { article: string; quantity: number; price: number; currency?: string };
interface ModelOrder {
  orderNumber: string;
  customerId: number;
  hubId: number;
  status: string;
  articles: Line[];
  version: number;
  requestedAt: string;
}

/**
 * The lifecycle as the order domain documents it, written out here rather than taken from the
 * code: each command moves an order to one status, and an articles update replaces the lines
 * (a line sent without a currency is in euros). Every command the test drives changes the
 * order, so each appends exactly one event.
 */
const STATUS_AFTER = {
  accept: "ACCEPTED",
  "start-picking": "PICKING",
  dispatch: "DELIVERING",
  deliver: "DELIVERED",
  cancel: "CANCELLED",
} as const;
const inEuros = (sent: Line[]): Line[] => sent.map((l) => ({ currency: "EUR", ...l }));

let app: LocalApp;
let dataDir: string;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "es-e2e-"));
  app = await startLocalApp({ dataDir, port: 0, log: () => undefined });
  api = apiClient(`http://127.0.0.1:${app.port}`);
});
afterAll(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const lines = (n: number): Line[] => CATALOGUE.slice(0, 1 + (n % 3)).map((l, i) => ({ ...l, quantity: 1 + ((n + i) % 4) }));

describe("orders through their lifecycle, then the views, over real HTTP", () => {
  it("serves views equal to values computed independently from what the test sent", async () => {
    const model: ModelOrder[] = [];
    // 18 orders over 4 customers and 2 hubs; each takes its own path through the lifecycle.
    for (let n = 0; n < 18; n++) {
      const customerId = 50010 + (n % 4);
      const hubId = 10003 + (n % 2);
      const placed = await api("POST", "/api/orders", { hubId, customer: { customerId, deliveryAddress: address(n) }, articles: lines(n) });
      expect(placed.status).toBe(201);
      const orderNumber = placed.body.orderNumber as string;
      expect(placed.headers.get("location")).toBe(`/api/orders/${orderNumber}`);
      expect(placed.headers.get("etag")).toBe('"1"');
      const stream = await api("GET", `/api/streams/order-${orderNumber}/events`);
      model.push({
        orderNumber,
        customerId,
        hubId,
        status: "REQUESTED",
        articles: lines(n),
        version: 1,
        requestedAt: stream.body.events[0].recordedAt as string,
      });
    }
    // The model moves by what the test sent; the server's answer is held to the model.
    const expectModel = (order: ModelOrder, response: { status: number; headers: Headers; body: unknown }) => {
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toMatchObject({
        orderNumber: order.orderNumber,
        status: order.status,
        articles: order.articles,
        version: order.version,
      });
      expect(response.headers.get("etag")).toBe(`"${order.version}"`);
    };
    const drive = async (order: ModelOrder, path: keyof typeof STATUS_AFTER, body?: unknown) => {
      order.status = STATUS_AFTER[path];
      order.version += 1;
      expectModel(order, await api("POST", `/api/orders/${order.orderNumber}/${path}`, body));
    };
    const replaceArticles = async (order: ModelOrder, sent: Line[]) => {
      order.articles = inEuros(sent);
      order.version += 1;
      expectModel(order, await api("PUT", `/api/orders/${order.orderNumber}/articles`, { articles: sent }));
    };
    for (const [n, order] of model.entries()) {
      if (n % 6 === 0) continue; // stays REQUESTED
      await drive(order, "accept");
      if (n % 5 === 0) await replaceArticles(order, [{ article: "Club-Mate", quantity: 7, price: 3.2 }]);
      if (n % 4 === 1) {
        await drive(order, "cancel", { reason: "changed my mind" });
        continue;
      }
      if (n % 3 === 2) continue; // stays ACCEPTED
      await drive(order, "start-picking");
      await drive(order, "dispatch", { plannedDeliveryTime: "2026-12-01T18:00:00.000Z" });
      if (n % 2 === 0) await drive(order, "deliver");
    }
    // A command already satisfied answers 200 and appends nothing.
    const accepted = model.find((o) => o.status === "ACCEPTED");
    if (!accepted) throw new Error("the plan should leave an ACCEPTED order");
    const again = await api("POST", `/api/orders/${accepted.orderNumber}/accept`);
    expect(again.status).toBe(200);
    expect(again.headers.get("etag")).toBe(`"${accepted.version}"`);

    await waitForProjection(api);

    const statuses = new Set(model.map((o) => o.status));
    expect([...statuses].sort()).toEqual(["ACCEPTED", "CANCELLED", "DELIVERED", "DELIVERING", "REQUESTED"]);

    for (const customerId of new Set(model.map((o) => o.customerId))) {
      const theirs = model
        .filter((o) => o.customerId === customerId)
        .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.orderNumber.localeCompare(b.orderNumber));
      const view = await api("GET", `/api/views/customers/${customerId}`);
      expect(view.status).toBe(200);
      expect(view.body).toEqual({
        customerId,
        totalOrders: theirs.length,
        orders: theirs.map((o) => ({ orderNumber: o.orderNumber, status: o.status, articles: o.articles })),
        next: null,
      });
      // Pages of two, cursor to cursor, list the same orders in the same order.
      const paged: unknown[] = [];
      let pages = 0;
      for (let after = ""; ; pages++) {
        const page = await api("GET", `/api/views/customers/${customerId}?limit=2${after === "" ? "" : `&after=${after}`}`);
        expect(page.status).toBe(200);
        const body = page.body as { totalOrders: number; orders: unknown[]; next: string | null };
        expect(body.totalOrders).toBe(theirs.length);
        paged.push(...body.orders);
        if (body.next === null) break;
        after = body.next;
      }
      expect(paged).toEqual((view.body as { orders: unknown[] }).orders);
      expect(pages).toBe(Math.max(0, Math.ceil(theirs.length / 2) - 1));
    }
    const someone = model[0]?.customerId ?? 0;
    for (const query of [
      "limit=0",
      "limit=1001",
      "limit=x",
      "after=not-a-cursor",
      "after=",
      `after=${Buffer.from("v1|2026-11-27 a").toString("base64url")}`,
    ]) {
      const refused = await api("GET", `/api/views/customers/${someone}?${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body, query).toMatchObject({ type: "urn:eventsourcing-azure:problem:validation-failed", status: 400 });
    }

    const counts = new Map<number, number>();
    for (const o of model) counts.set(o.customerId, (counts.get(o.customerId) ?? 0) + 1);
    const expectedTop = [...counts]
      .map(([customerId, totalOrders]) => ({ customerId, totalOrders }))
      .sort((a, b) => b.totalOrders - a.totalOrders || a.customerId - b.customerId);
    expect((await api("GET", "/api/views/customers?top=3")).body).toEqual(expectedTop.slice(0, 3));
    expect((await api("GET", "/api/views/customers")).body).toEqual(expectedTop);

    const hubDays = new Map<string, ModelOrder[]>();
    for (const o of model) {
      const key = `${o.hubId}/${o.requestedAt.slice(0, 10)}`;
      hubDays.set(key, [...(hubDays.get(key) ?? []), o]);
    }
    for (const [key, orders] of hubDays) {
      const [hubId, day] = key.split("/");
      const articles: Record<string, number> = {};
      for (const o of orders.filter((x) => x.status !== "CANCELLED"))
        for (const l of o.articles) articles[l.article] = (articles[l.article] ?? 0) + l.quantity;
      const view = await api("GET", `/api/views/hubs/${hubId}/days/${day}`);
      expect(view.body).toEqual({
        hubId: Number(hubId),
        day,
        ordersRequested: orders.length,
        ordersCancelled: orders.filter((o) => o.status === "CANCELLED").length,
        ordersDelivered: orders.filter((o) => o.status === "DELIVERED").length,
        articles,
      });
    }

    for (const o of model) {
      const state = await api("GET", `/api/orders/${o.orderNumber}`);
      expect(state.headers.get("etag")).toBe(`"${o.version}"`);
      const summary = await api("GET", `/api/views/orders/${o.orderNumber}`);
      expect(summary.body).toEqual({
        orderNumber: o.orderNumber,
        status: o.status,
        customerId: o.customerId,
        hubId: o.hubId,
        articles: o.articles,
        version: o.version,
      });
    }

    const health = await api("GET", "/api/health");
    expect(health.body).toMatchObject({ status: "ok", store: "sqlite", deadLetters: 0, projection: { lagEvents: 0 } });
  });

  it("places an order under a chosen number and reads its state with an ETag", async () => {
    const placed = await api("POST", "/api/orders", {
      orderNumber: "A-1000",
      hubId: 10009,
      customer: { customerId: 50099, deliveryAddress: address(1) },
      articles: lines(1),
    });
    expect(placed.status).toBe(201);
    const state = await api("GET", "/api/orders/A-1000");
    expect(state.status).toBe(200);
    expect(state.headers.get("etag")).toBe('"1"');
    expect(state.body).toMatchObject({ orderNumber: "A-1000", status: "REQUESTED", hubId: 10009, version: 1 });
    const accepted = await api("POST", "/api/orders/A-1000/accept", undefined, { "if-match": '"1"' });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get("etag")).toBe('"2"');
  });
});
