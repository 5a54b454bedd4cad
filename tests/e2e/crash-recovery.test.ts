import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ServerProcess } from "../support/local-server-process.js";
import { apiClient } from "../support/http-client.js";
import { startServerProcess, waitForExit } from "../support/local-server-process.js";
import { address, CATALOGUE } from "../support/orders.js";
import { waitForProjection } from "../support/wait-for-projection.js";

const dataDir = mkdtempSync(join(tmpdir(), "es-crash-"));
let server: ServerProcess | undefined;
afterAll(async () => {
  if (server) {
    server.child.kill("SIGKILL");
    await waitForExit(server.child);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

interface Acked {
  placed: Set<string>;
  accepted: Set<string>;
  attempted: Set<string>;
  /** stream -> eventId -> version acknowledged */
  raw: Map<string, Map<string, number>>;
}

/** Workers append until the server dies under them; only 2xx answers count as acknowledged. */
async function loadUntilKilled(baseUrl: string, round: number, acked: Acked, stop: { stopped: boolean }): Promise<void> {
  const api = apiClient(baseUrl);
  const worker = async (w: number) => {
    for (let k = 0; !stop.stopped; k++) {
      const orderNumber = `crash-${round}-${w}-${k}`;
      const customerId = 50050 + (k % 5);
      try {
        acked.attempted.add(orderNumber);
        const placed = await api("POST", "/api/orders", { orderNumber, hubId: 10005, customer: { customerId, deliveryAddress: address(w) }, articles: [{ ...CATALOGUE[k % 5], quantity: 1 + (k % 3) }] });
        if (placed.status === 201) acked.placed.add(orderNumber);
        const accept = await api("POST", `/api/orders/${orderNumber}/accept`);
        if (accept.status === 200) acked.accepted.add(orderNumber);
        const stream = `scratch-${w}`;
        const eventId = randomUUID();
        const raw = await api("POST", `/api/streams/${stream}/events`, { events: [{ eventId, type: "OrderAccepted", data: { orderNumber: "raw" } }] });
        if (raw.status === 201) acked.raw.set(stream, (acked.raw.get(stream) ?? new Map<string, number>()).set(eventId, raw.body.lastVersion as number));
      } catch {
        return; // the connection died with the server
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
}

describe("SIGKILL while appends are in flight", () => {
  it("keeps every acknowledged append and the views converge to the fold of the stored events", async () => {
    const acked: Acked = { placed: new Set(), accepted: new Set(), attempted: new Set(), raw: new Map() };
    for (let round = 0; round < 3; round++) {
      server = await startServerProcess(dataDir);
      const stop = { stopped: false };
      const load = loadUntilKilled(server.baseUrl, round, acked, stop);
      await new Promise((r) => setTimeout(r, 600 + round * 250));
      server.child.kill("SIGKILL");
      stop.stopped = true;
      await waitForExit(server.child);
      await load;
    }
    expect(acked.placed.size).toBeGreaterThan(50);

    server = await startServerProcess(dataDir);
    const api = apiClient(server.baseUrl);
    for (const orderNumber of acked.placed) expect((await api("GET", `/api/orders/${orderNumber}`)).status, orderNumber).toBe(200);
    for (const orderNumber of acked.accepted) expect((await api("GET", `/api/orders/${orderNumber}`)).body.status).toBe("ACCEPTED");
    for (const [stream, events] of acked.raw) {
      const stored = await api("GET", `/api/streams/${stream}/events?maxCount=1000`);
      const storedEvents = stored.body.events as { eventId: string; version: number }[];
      expect(storedEvents.map((e) => e.version)).toEqual(Array.from({ length: stored.body.version as number }, (_, i) => i + 1));
      const byId = new Map(storedEvents.map((e) => [e.eventId, e.version]));
      for (const [eventId, version] of events) expect(byId.get(eventId)).toBe(version);
    }

    await waitForProjection(api);
    const perCustomer = new Map<number, string[]>();
    for (const orderNumber of acked.attempted) {
      const state = await api("GET", `/api/orders/${orderNumber}`);
      const view = await api("GET", `/api/views/orders/${orderNumber}`);
      if (state.status === 404) {
        expect(view.status).toBe(404);
        continue;
      }
      const { status, hubId, articles, customer, version } = state.body;
      expect(view.body).toEqual({ orderNumber, status, hubId, articles, customerId: customer.customerId, version });
      perCustomer.set(customer.customerId as number, [...(perCustomer.get(customer.customerId as number) ?? []), orderNumber]);
    }
    for (const [customerId, orders] of perCustomer) {
      const view = await api("GET", `/api/views/customers/${customerId}`);
      expect(view.body.totalOrders).toBe(orders.length);
      const listed = view.body.orders as { orderNumber: string }[];
      expect(new Set(listed.map((o) => o.orderNumber))).toEqual(new Set(orders));
    }
    expect((await api("GET", "/api/health")).body.deadLetters).toBe(0);
  });
});

describe("SIGTERM", () => {
  it("finishes a request in flight, stops the projector, closes the store and exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "es-term-"));
    const proc = await startServerProcess(dir);
    const body = JSON.stringify({ orderNumber: "term-1", hubId: 10001, customer: { customerId: 50001, deliveryAddress: address(1) }, articles: [{ ...CATALOGUE[0], quantity: 1 }] });
    // Half the body is sent before SIGTERM and the rest after: the request is truly in flight.
    const { port } = new URL(proc.baseUrl);
    const answered = new Promise<{ status: number | undefined; text: string }>((resolve, reject) => {
      const request = httpRequest({ host: "127.0.0.1", port, path: "/api/orders", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => {
          resolve({ status: response.statusCode, text });
        });
      });
      request.on("error", reject);
      request.write(body.slice(0, 40));
      setTimeout(() => {
        proc.child.kill("SIGTERM");
        setTimeout(() => request.end(body.slice(40)), 300);
      }, 200);
    });
    const { status } = await answered;
    expect(status).toBe(201);
    expect(await waitForExit(proc.child)).toBe(0);
    expect(proc.output()).toMatch(/SIGTERM: finishing requests in flight/);
    // Restarted, the acknowledged order is there and projected.
    const again = await startServerProcess(dir);
    const check = apiClient(again.baseUrl);
    expect((await check("GET", "/api/orders/term-1")).status).toBe(200);
    await waitForProjection(check);
    expect((await check("GET", "/api/views/orders/term-1")).body).toMatchObject({ status: "REQUESTED", version: 1 });
    again.child.kill("SIGTERM");
    expect(await waitForExit(again.child)).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});
