import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LocalApp } from "../../functions/src/local/local-app.js";
import { startLocalApp } from "../../functions/src/local/local-app.js";
import { buildMarkerOf } from "../../functions/src/projections/sqlite/build-marker.js";
import { apiClient } from "../support/http-client.js";
import { requestedData } from "../support/orders.js";
import { waitForProjection } from "../support/wait-for-projection.js";

const CUSTOMERS = 20;
/**
 * Enough history that the rebuild is still running when the test first reads: a rebuild
 * projects some 50,000 events a second here, so 15,000 events take a few hundred milliseconds,
 * against the few milliseconds to the first read. (1,000 orders became too few once replay got
 * faster: the switch could come before the first read.)
 */
const SEEDED_ORDERS = 10_000;
/** Appends in flight at once while seeding: they share commits, so seeding stays fast. */
const SEED_CONCURRENCY = 100;
const dirs: string[] = [];
const apps: LocalApp[] = [];
const logs: string[] = [];
const log = (message: string) => logs.push(message);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function start(dataDir: string, rebuildViews = false) {
  const app = await startLocalApp({ dataDir, port: 0, log, rebuildViews });
  apps.push(app);
  return { app, api: apiClient(`http://127.0.0.1:${app.port}`) };
}

const customerOf = (n: number) => 50100 + (n % CUSTOMERS);

/** Seeds the store directly (fast), so that the rebuild has thousands of events to replay. */
async function seed(app: LocalApp): Promise<string[]> {
  const orderNumbers = Array.from({ length: SEEDED_ORDERS }, (_, n) => `seed-${n}`);
  for (let start = 0; start < SEEDED_ORDERS; start += SEED_CONCURRENCY) {
    await Promise.all(orderNumbers.slice(start, start + SEED_CONCURRENCY).map((orderNumber, i) => seedOrder(app, orderNumber, start + i)));
  }
  return orderNumbers;
}

async function seedOrder(app: LocalApp, orderNumber: string, n: number): Promise<void> {
  await app.events.append(
    `order-${orderNumber}`,
    [
      { eventId: randomUUID(), type: "OrderRequested", data: requestedData(orderNumber, customerOf(n), 10020 + (n % 3)), metadata: {} },
      ...(n % 2 === 0 ? [{ eventId: randomUUID(), type: "OrderAccepted", data: { orderNumber }, metadata: {} }] : []),
    ],
    "no_stream",
  );
}

describe("npm start -- --rebuild-views", () => {
  it("builds the next generation while serving the old one, takes orders throughout, switches once caught up, and the views come out equal", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "es-rebuild-"));
    dirs.push(dataDir);
    const first = await start(dataDir);
    const seeded = await seed(first.app);
    await waitForProjection(first.api, 30_000);
    await first.app.close();

    const { app, api } = await start(dataDir, true);
    // The next generation is recorded before it is built, so a restart goes on with it.
    expect(existsSync(join(dataDir, "views-g2.db"))).toBe(true);

    // Orders keep arriving over HTTP during the rebuild; every one must be accepted.
    const writing = { on: true };
    const placed: string[] = [];
    const writer = (async () => {
      for (let n = 0; writing.on || n < 20; n++) {
        const response = await api("POST", "/api/orders", {
          hubId: 10020,
          customer: { customerId: customerOf(n), deliveryAddress: requestedData("x").customer.deliveryAddress },
          articles: [{ article: "Mojito", quantity: 1, price: 7.5 }],
        });
        expect(response.status, JSON.stringify(response.body)).toBe(201);
        placed.push(response.body.orderNumber as string);
      }
    })();

    // Readers watch a seeded order and a customer: never missing, never going back.
    const watched = seeded[SEEDED_ORDERS - 2] ?? "";
    const seen = { versions: [] as number[], totals: [] as number[], servings: [] as number[], generationsDuringBuild: 0, markers: 0 };
    const g2 = join(dataDir, "views-g2.db");
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [order, customer, health] = await Promise.all([
        api("GET", `/api/views/orders/${watched}`),
        api("GET", `/api/views/customers/${customerOf(SEEDED_ORDERS - 2)}`),
        api("GET", "/api/health"),
      ]);
      expect(order.status, JSON.stringify(order.body)).toBe(200);
      expect(customer.status, JSON.stringify(customer.body)).toBe(200);
      expect(health.status).toBe(200);
      seen.versions.push(order.body.version as number);
      seen.totals.push(customer.body.totalOrders as number);
      seen.servings.push(health.body.projection.servingGeneration as number);
      if ((health.body.projection.generations as unknown[]).length === 2) seen.generationsDuringBuild++;
      // The new file is built without a WAL, beside its marker (docs/adr/0017).
      if (existsSync(buildMarkerOf(g2))) seen.markers++;
      // Today's fields stay, describing the serving generation.
      expect(health.body.projection).toMatchObject({ position: expect.any(Number), lagEvents: expect.any(Number) });
      // Reads switch only to a whole file: its build ended, its marker gone.
      if (health.body.projection.servingGeneration === 2 && seen.servings.at(-2) === 1) expect(existsSync(buildMarkerOf(g2))).toBe(false);
      if (health.body.projection.servingGeneration === 2 && seen.servings.length >= 3) break;
      if (Date.now() > deadline) throw new Error(`no switch within 60 s: ${JSON.stringify(health.body)}\n${logs.join("\n")}`);
      await sleep(5);
    }
    writing.on = false;
    await writer;

    expect(seen.versions.every((v) => v === 2)).toBe(true);
    for (let i = 1; i < seen.totals.length; i++)
      expect(seen.totals[i], `customer total went back at read ${i}`).toBeGreaterThanOrEqual(seen.totals[i - 1] ?? 0);
    for (let i = 1; i < seen.servings.length; i++) expect(seen.servings[i]).toBeGreaterThanOrEqual(seen.servings[i - 1] ?? 0);
    expect(seen.servings[0]).toBe(1);
    expect(seen.generationsDuringBuild).toBeGreaterThan(0);
    expect(seen.markers).toBeGreaterThan(0);
    expect(placed.length).toBeGreaterThanOrEqual(20);

    // Switched and persisted; the old generation's file is gone.
    await waitForProjection(api, 30_000);
    const health = await api("GET", "/api/health");
    expect(health.body.projection).toMatchObject({
      servingGeneration: 2,
      lagEvents: 0,
      generations: [{ generation: 2, serving: true, lagEvents: 0 }],
    });
    expect(JSON.parse(readFileSync(join(dataDir, "views-generations.json"), "utf8"))).toEqual({ serving: 2 });
    for (let i = 0; i < 100 && existsSync(join(dataDir, "views.db")); i++) await sleep(20);
    expect(existsSync(join(dataDir, "views.db"))).toBe(false);
    expect(logs.some((l) => /generation 2 has caught up/.test(l))).toBe(true);
    // Its build has ended: a WAL file like any other, its marker gone.
    expect(existsSync(buildMarkerOf(g2))).toBe(false);
    const header = new Database(g2, { readonly: true });
    expect(header.pragma("journal_mode", { simple: true })).toBe("wal");
    header.close();

    // The same events projected once, from scratch, elsewhere: the views must be equal. The
    // rebuilt side restarts first, which also shows that the switch outlives the process.
    await app.close();
    const freshDir = mkdtempSync(join(tmpdir(), "es-rebuild-fresh-"));
    dirs.push(freshDir);
    copyFileSync(join(dataDir, "events.db"), join(freshDir, "events.db"));
    const restarted = await start(dataDir);
    const fresh = await start(freshDir);
    await waitForProjection(fresh.api, 30_000);
    expect((await restarted.api("GET", "/api/health")).body.projection).toMatchObject({ servingGeneration: 2, lagEvents: 0 });
    const compare = async (path: string) => {
      const [rebuilt, reference] = await Promise.all([restarted.api("GET", path), fresh.api("GET", path)]);
      expect(rebuilt.status, path).toBe(reference.status);
      expect(rebuilt.body, path).toEqual(reference.body);
    };
    for (const orderNumber of [...seeded.filter((_, i) => i % 37 === 0), ...placed]) await compare(`/api/views/orders/${orderNumber}`);
    for (let c = 0; c < CUSTOMERS; c++) await compare(`/api/views/customers/${customerOf(c)}`);
    await compare(`/api/views/customers?top=${CUSTOMERS}`);
  }, 120_000);
});
