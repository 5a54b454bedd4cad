import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { apiClient } from "../support/http-client.js";
import { serverFixture } from "../support/local-server-process.js";
import { SCALE } from "./scale.js";

const fixture = serverFixture("es-hot-");
afterAll(() => fixture.dispose());

/**
 * Appends the run must acknowledge: enough that every hot stream holds several versions whose
 * order and uniqueness are checked. Contention makes appends rare (a client moving from stream to
 * stream comes back with a stale version: about one request in 60 appends), so on a loaded
 * machine the set duration alone may see only a handful; the run goes on until it has these.
 */
const MIN_APPENDS = 64;
/** Only a server that barely answers needs this long to acknowledge MIN_APPENDS; it stays well inside the suite's test timeout. */
const CAP_MS = 300_000;

describe(`${SCALE.hotStreamClients} clients on ${SCALE.hotStreams} hot streams for at least ${SCALE.hotStreamSeconds} s (${SCALE.name})`, () => {
  it("loses no acknowledged event, leaves no gap or duplicate, and answers every refusal with 409", async () => {
    const api = apiClient((await fixture.start()).baseUrl);
    const acked = new Map<string, Map<string, number>>();
    const statuses = new Map<number, number>();
    const started = Date.now();
    // At least the set duration, then until the run has seen enough appends and a conflict.
    const enough = () =>
      Date.now() - started >= SCALE.hotStreamSeconds * 1000 && (statuses.get(201) ?? 0) >= MIN_APPENDS && statuses.has(409);
    const client = async (c: number) => {
      const known = new Array<number>(SCALE.hotStreams).fill(0);
      for (let i = 0; !enough() && Date.now() - started < CAP_MS; i++) {
        const s = (c + i) % SCALE.hotStreams;
        const stream = `hot-${s}`;
        const eventId = randomUUID();
        const response = await api("POST", `/api/streams/${stream}/events`, {
          expectedVersion: known[s],
          events: [{ eventId, type: "OrderAccepted", data: { orderNumber: `c${c}` } }],
        });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 201) {
          const version = response.body.lastVersion as number;
          expect(version).toBe((known[s] ?? 0) + 1);
          acked.set(stream, (acked.get(stream) ?? new Map<string, number>()).set(eventId, version));
          known[s] = version;
        } else if (response.status === 409) {
          known[s] = response.body.currentVersion as number;
        }
      }
    };
    await Promise.all(Array.from({ length: SCALE.hotStreamClients }, (_, c) => client(c)));
    const seconds = (Date.now() - started) / 1000;

    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect([...statuses.keys()].sort()).toEqual([201, 409].filter((s) => statuses.has(s)));
    expect(statuses.get(201) ?? 0).toBeGreaterThanOrEqual(MIN_APPENDS);
    expect(statuses.get(409) ?? 0).toBeGreaterThan(0);
    for (let s = 0; s < SCALE.hotStreams; s++) {
      const stream = `hot-${s}`;
      const stored: { eventId: string; version: number }[] = [];
      for (let from = 1; ; from += 1000) {
        const page = await api("GET", `/api/streams/${stream}/events?fromVersion=${from}&maxCount=1000`);
        stored.push(...(page.body.events as { eventId: string; version: number }[]));
        if (stored.length >= (page.body.version as number)) break;
      }
      expect(stored.map((e) => e.version)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
      const mine = acked.get(stream) ?? new Map<string, number>();
      // Every stored event was acknowledged, and every acknowledged event is stored where it was acknowledged.
      expect(stored.length).toBe(mine.size);
      for (const e of stored) expect(mine.get(e.eventId)).toBe(e.version);
    }
    console.log(
      `hot streams: ${total} requests in ${seconds.toFixed(1)} s, ${statuses.get(201) ?? 0} appended, ${statuses.get(409) ?? 0} conflicts`,
    );
  });
});
