import { request as httpRequest } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { apiClient } from "../support/http-client.js";
import { serverFixture, waitForExit } from "../support/local-server-process.js";
import { newAcked, loadUntilKilled, verifyAfterCrashes } from "../support/crash-workload.js";
import { address, CATALOGUE } from "../support/orders.js";
import { waitForProjection } from "../support/wait-for-projection.js";

const fixture = serverFixture("es-crash-");
afterAll(() => fixture.dispose());

describe("SIGKILL while appends are in flight", () => {
  it("keeps every acknowledged append and the views converge to the fold of the stored events", async () => {
    const acked = newAcked();
    for (let round = 0; round < 3; round++) {
      const server = await fixture.start();
      const stop = { stopped: false };
      const load = loadUntilKilled(server.baseUrl, round, acked, stop);
      await new Promise((r) => setTimeout(r, 600 + round * 250));
      await fixture.kill();
      stop.stopped = true;
      await load;
    }
    expect(acked.placed.size).toBeGreaterThan(50);
    await verifyAfterCrashes((await fixture.start()).baseUrl, acked);
  });
});

describe("SIGTERM", () => {
  it("finishes a request in flight, stops the projector, closes the store and exits 0", async () => {
    const term = serverFixture("es-term-");
    const proc = await term.start();
    const body = JSON.stringify({
      orderNumber: "term-1",
      hubId: 10001,
      customer: { customerId: 50001, deliveryAddress: address(1) },
      articles: [{ ...CATALOGUE[0], quantity: 1 }],
    });
    // Half the body is sent before SIGTERM and the rest after: the request is truly in flight.
    const { port } = new URL(proc.baseUrl);
    const answered = new Promise<{ status: number | undefined; text: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: "127.0.0.1",
          port,
          path: "/api/orders",
          method: "POST",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => (text += chunk.toString()));
          response.on("end", () => {
            resolve({ status: response.statusCode, text });
          });
        },
      );
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
    const again = await term.start();
    const check = apiClient(again.baseUrl);
    expect((await check("GET", "/api/orders/term-1")).status).toBe(200);
    await waitForProjection(check);
    expect((await check("GET", "/api/views/orders/term-1")).body).toMatchObject({ status: "REQUESTED", version: 1 });
    again.child.kill("SIGTERM");
    expect(await waitForExit(again.child)).toBe(0);
    await term.dispose();
  });
});
