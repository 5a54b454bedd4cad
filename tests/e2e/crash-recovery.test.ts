import { request as httpRequest } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { apiClient } from "../support/http-client.js";
import { serverFixture, waitForExit, waitForOutput } from "../support/local-server-process.js";
import { killAfterAcknowledged, newAcked, verifyAfterCrashes } from "../support/crash-workload.js";
import { address, CATALOGUE } from "../support/orders.js";
import { waitForProjection } from "../support/wait-for-projection.js";

const fixture = serverFixture("es-crash-");
afterAll(() => fixture.dispose());

/**
 * Each round kills the server once it has acknowledged this many new orders (about 0.7, 0.9 and
 * 1.1 s on a quiet machine), not after a fixed time, which on a loaded machine may see almost
 * nothing stored. The counts differ so that each kill lands at a different point of the
 * workload; its 16 workers keep requests in flight throughout.
 */
const ORDERS_BEFORE_KILL = [30, 40, 50];

describe("SIGKILL while appends are in flight", () => {
  // Four server starts, each a fresh Node process that loads the TypeScript sources through
  // tsx: a second or two each on a quiet machine, over 20 s on a loaded one, where this test
  // took 105 s (8 s quiet). Every wait inside has its own bound; 300 s leaves them room.
  it("keeps every acknowledged append and the views converge to the fold of the stored events", { timeout: 300_000 }, async () => {
    const acked = newAcked();
    for (const [round, target] of ORDERS_BEFORE_KILL.entries()) await killAfterAcknowledged(fixture, round, target, acked);
    await verifyAfterCrashes((await fixture.start()).baseUrl, acked);
  });
});

describe("SIGTERM", () => {
  // Two server starts, slow on a loaded machine as above: 52 s there, 3 s quiet.
  it("finishes a request in flight, stops the projector, closes the store and exits 0", { timeout: 180_000 }, async () => {
    const term = serverFixture("es-term-");
    const proc = await term.start();
    const body = JSON.stringify({
      orderNumber: "term-1",
      hubId: 10001,
      customer: { customerId: 50001, deliveryAddress: address(1) },
      articles: [{ ...CATALOGUE[0], quantity: 1 }],
    });
    // Half the body is sent before SIGTERM and the rest after: the request is truly in flight.
    // Both moments are signalled rather than timed. Node's server answers "100 Continue" as it
    // hands the request to the handler, so the "continue" event proves the server holds the
    // request; the rest of the body goes once the server has logged that it is shutting down.
    const { port } = new URL(proc.baseUrl);
    const answered = new Promise<{ status: number | undefined; text: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: "127.0.0.1",
          port,
          path: "/api/orders",
          method: "POST",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), expect: "100-continue" },
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
      request.once("continue", () => {
        proc.child.kill("SIGTERM");
        waitForOutput(proc, /SIGTERM: finishing requests in flight/).then(() => request.end(body.slice(40)), reject);
      });
      request.write(body.slice(0, 40));
    });
    const { status } = await answered;
    expect(status).toBe(201);
    expect(await waitForExit(proc.child)).toBe(0);
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
