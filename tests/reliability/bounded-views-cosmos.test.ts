import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import { CosmosDeadLetters } from "../../functions/src/projections/cosmos/cosmos-dead-letters.js";
import { CosmosViewStore } from "../../functions/src/projections/cosmos/cosmos-view-store.js";
import { REAL_COSMOS, startCosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import {
  BOUND_OF_KIND,
  expectTheDayServed,
  largestByKind,
  oneCustomerOneHubOneDay,
  projectInBatches,
} from "../support/one-customer-day.js";
import { SCALE } from "./scale.js";

let endpoint: CosmosTestEndpoint;
beforeAll(async () => {
  // The stand-in answers a query (a group's rows by id, ARRAY_CONTAINS) by scanning every
  // document of the container; past some 50,000 rows one such query takes longer than the
  // product's 10 s request timeout. Cosmos DB serves it from the index: only the stand-in needs
  // the longer limit.
  endpoint = await startCosmosTestEndpoint({ requestTimeoutMs: 120_000 });
});
afterAll(async () => {
  await endpoint.close();
});

const ORDERS = SCALE.name === "ci" ? 2000 : 20_000;

describe(`bounded views on Cosmos DB at ${ORDERS} orders of one customer at one hub on one day (${REAL_COSMOS ? "COSMOS_ENDPOINT" : "@vercel/cosmosdb-server in process"})`, () => {
  // What the stand-in cannot show: it applies a batch's operations one by one, so the atomicity
  // of a group's commit rests on Cosmos DB's TransactionalBatch (and on the SQLite adapter's
  // tests); it enforces neither the 2 MB item limit nor request units.
  it("every document stays within its kind's bound; the header counts them all; the top list reads the header", async () => {
    const { containers } = await endpoint.createDatabase();
    const views = new CosmosViewStore(containers.views);
    await projectInBatches(oneCustomerOneHubOneDay(ORDERS), views, new CosmosDeadLetters(containers.deadLetters), 5000);
    await expectTheDayServed(views, ORDERS);
    expect(await views.top("customer", 5)).toEqual([{ customerId: 50001, totalOrders: ORDERS }]);
    for (const [kind, bytes] of await largestByKind(containers.views)) expect(bytes, kind).toBeLessThanOrEqual(BOUND_OF_KIND[kind] ?? 0);
    // About 30 ms per order through the stand-in on a shared two-core machine: 20,000 take ~10 minutes.
  }, 1_800_000);
});
