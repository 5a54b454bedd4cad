import { randomUUID } from "node:crypto";
import type { AppDependencies, ProjectionHealth } from "../handlers/dependencies.js";
import type { ProjectionPorts } from "../projections/projection-engine.js";
import type { ProjectorStatus } from "./projector-handler.js";
import type { AzureConfig } from "./azure-config.js";
import { CONTAINERS } from "../eventstore/cosmos/container-definitions.js";
import { createCosmosClient } from "../eventstore/cosmos/cosmos-client.js";
import { CosmosEventStore } from "../eventstore/cosmos/cosmos-event-store.js";
import { CosmosDeadLetters } from "../projections/cosmos/cosmos-dead-letters.js";
import { CosmosViewStore } from "../projections/cosmos/cosmos-view-store.js";
import { HEADER_ID, PROJECTOR_STATUS_KEY } from "../projections/view-keys.js";
import { readRow } from "../projections/view-store.js";
import { ManagedIdentityCredential } from "./managed-identity-credential.js";

/** The Azure runtime's adapters, built once per process from the app settings. */
export function createAzureDependencies(config: AzureConfig): { app: AppDependencies; projector: ProjectionPorts } {
  const client = createCosmosClient(config.cosmosEndpoint, { credential: new ManagedIdentityCredential({ clientId: config.cosmosClientId }) }, config.requestTimeoutMs);
  const database = client.database(config.databaseName);
  const events = new CosmosEventStore({ container: database.container(CONTAINERS.events.id) });
  const views = new CosmosViewStore(database.container(CONTAINERS.views.id));
  const deadLetters = new CosmosDeadLetters(database.container(CONTAINERS.deadLetters.id));
  const projectionHealth = async (): Promise<ProjectionHealth> => {
    const status = await readRow<ProjectorStatus>(views, PROJECTOR_STATUS_KEY, HEADER_ID);
    if (!status) return { position: null, lagEvents: null, lagMs: null };
    return { position: status.value.lastEventRecordedAt, lagEvents: null, lagMs: status.value.lagMs };
  };
  const now = () => new Date();
  return {
    app: {
      events,
      views,
      deadLetters,
      projectionHealth,
      now,
      newId: randomUUID,
    },
    projector: { views, deadLetters, events, now },
  };
}
