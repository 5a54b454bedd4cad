import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ServerProcess } from "../support/local-server-process.js";
import { apiClient } from "../support/http-client.js";
import { startServerProcess, waitForExit } from "../support/local-server-process.js";
import { newAcked, loadUntilKilled, verifyAfterCrashes } from "../support/crash-workload.js";
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

describe("SIGKILL while appends are in flight", () => {
  it("keeps every acknowledged append and the views converge to the fold of the stored events", async () => {
    const acked = newAcked();
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
    await verifyAfterCrashes(server.baseUrl, acked);
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
