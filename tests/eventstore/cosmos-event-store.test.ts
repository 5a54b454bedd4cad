import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventStore } from "../../functions/src/eventstore/event-store.js";
import type { CosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import { CosmosEventStore } from "../../functions/src/eventstore/cosmos/cosmos-event-store.js";
import { measureCharges } from "../../functions/src/shared/request-charge.js";
import { REAL_COSMOS, startCosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import { eventStoreContract, newEvents } from "./event-store-contract.js";

let endpoint: CosmosTestEndpoint;
beforeAll(async () => {
  endpoint = await startCosmosTestEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});

async function cosmosUnderTest() {
  const { database, containers } = await endpoint.createDatabase();
  const store = new CosmosEventStore({ container: containers.events });
  return {
    store,
    dispose: async () => {
      if (endpoint.real) await database.delete();
    },
  };
}

/**
 * Fault injection that a real Cosmos DB answers truthfully: the event at `index` is made larger
 * than Cosmos's 2 MB item limit, so that operation of the batch fails on the server.
 */
async function failingAt(index: number) {
  const underTest = await cosmosUnderTest();
  const inner = underTest.store;
  const store: EventStore = {
    kind: inner.kind,
    append: (streamId, events, expected) =>
      inner.append(
        streamId,
        events.map((e, i) => (i === index ? { ...e, data: { blob: "x".repeat(2_200_000) } } : e)),
        expected,
      ),
    read: (streamId, options) => inner.read(streamId, options),
    close: () => inner.close(),
  };
  return { store, dispose: underTest.dispose };
}

eventStoreContract(`cosmos (${REAL_COSMOS ? "COSMOS_ENDPOINT" : "@vercel/cosmosdb-server in process"})`, {
  create: cosmosUnderTest,
  ...(REAL_COSMOS
    ? { createFailingAt: failingAt }
    : {
        atomicSkipReason:
          "@vercel/cosmosdb-server does not run batches atomically (a failed operation leaves the earlier ones committed); runs when COSMOS_ENDPOINT is set",
      }),
});

describe("CosmosEventStore specifics", () => {
  it("reports the request charge of its operations to the caller's meter", async () => {
    const { store } = await cosmosUnderTest();
    const { requestUnits, operations, detail } = await measureCharges(() => store.append("charged", newEvents(2), "no_stream"));
    expect(operations).toBe(1);
    expect(requestUnits).toBeGreaterThan(0);
    expect(detail).toEqual([expect.stringMatching(/^events\.batch=\d/)]);
    const conflict = await measureCharges(() => store.append("charged", newEvents(1), 0).catch(() => "conflict"));
    expect(conflict.result).toBe("conflict");
    expect(conflict.detail.map((d) => d.split("=")[0])).toEqual(["events.batch", "events.findEventIds", "events.maxVersion"]);
  });

  it("answers a state read of a short stream with one query", async () => {
    const { store } = await cosmosUnderTest();
    await store.append("short", newEvents(10), 0);
    const { result, operations } = await measureCharges(() => store.read("short"));
    expect(result.version).toBe(10);
    expect(operations).toBe(1);
  });
});
