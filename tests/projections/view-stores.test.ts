import { afterAll, beforeAll } from "vitest";
import type { CosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import { CosmosDeadLetters } from "../../functions/src/projections/cosmos/cosmos-dead-letters.js";
import { CosmosViewStore } from "../../functions/src/projections/cosmos/cosmos-view-store.js";
import { SQLITE_MAX_OPS_PER_COMMIT, SqliteProjectionStore } from "../../functions/src/projections/sqlite/sqlite-projection-store.js";
import { REAL_COSMOS, startCosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import { viewStoreContract } from "./view-store-contract.js";

viewStoreContract("sqlite", SQLITE_MAX_OPS_PER_COMMIT, () => {
  const store = new SqliteProjectionStore(":memory:");
  return Promise.resolve({
    views: store,
    deadLetters: store,
    dispose: () => {
      store.close();
      return Promise.resolve();
    },
  });
});

let endpoint: CosmosTestEndpoint;
beforeAll(async () => {
  endpoint = await startCosmosTestEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});

viewStoreContract(`cosmos (${REAL_COSMOS ? "COSMOS_ENDPOINT" : "@vercel/cosmosdb-server in process"})`, 100, async () => {
  const { database, containers } = await endpoint.createDatabase();
  return {
    views: new CosmosViewStore(containers.views),
    deadLetters: new CosmosDeadLetters(containers.deadLetters),
    dispose: async () => {
      if (endpoint.real) await database.delete();
    },
  };
});
