import { randomUUID } from "node:crypto";
import type { AppDependencies, ProjectionHealth } from "../handlers/dependencies.js";
import type { ProjectionPorts } from "../projections/projection-engine.js";
import type { AzureConfig } from "./azure-config.js";
import { CONTAINERS } from "../eventstore/cosmos/container-definitions.js";
import { createCosmosClient } from "../eventstore/cosmos/cosmos-client.js";
import { CosmosEventStore } from "../eventstore/cosmos/cosmos-event-store.js";
import { viewsContainerId } from "../generations/view-generations.js";
import { CosmosDeadLetters } from "../projections/cosmos/cosmos-dead-letters.js";
import { CosmosViewStore } from "../projections/cosmos/cosmos-view-store.js";
import { AzureViewGenerations } from "./azure-view-generations.js";
import { cosmosRecentEvents } from "../dashboard/cosmos-recent-events.js";
import { ManagedIdentityCredential } from "./managed-identity-credential.js";

export interface AzureDependencies {
  readonly app: AppDependencies;
  /** The projector's ports of each live generation, by generation. */
  readonly projectors: ReadonlyMap<number, ProjectionPorts>;
}

/** The Azure runtime's adapters, built once per process from the app settings. */
export function createAzureDependencies(config: AzureConfig): AzureDependencies {
  const client = createCosmosClient(
    config.cosmosEndpoint,
    { credential: new ManagedIdentityCredential({ clientId: config.cosmosClientId }) },
    config.requestTimeoutMs,
  );
  const database = client.database(config.databaseName);
  const eventsContainer = database.container(CONTAINERS.events.id);
  const events = new CosmosEventStore({ container: eventsContainer });
  // Dead letters are facts about events, not views: one container serves every generation.
  const deadLetters = new CosmosDeadLetters(database.container(CONTAINERS.deadLetters.id));
  const now = () => new Date();
  const live = config.viewsGenerations.map((generation) => ({
    generation,
    views: new CosmosViewStore(database.container(viewsContainerId(generation))),
  }));
  const generations = new AzureViewGenerations(live, {
    now,
    warn: (message, error) => {
      console.warn(message, error);
    },
  });
  const projectionHealth = async (): Promise<ProjectionHealth> => {
    const { serving, generations: progress } = await generations.health();
    const servingGeneration = generations.servingGeneration;
    if (!serving) return { position: null, lagEvents: null, lagMs: null, servingGeneration, generations: progress };
    return { position: serving.lastEventRecordedAt, lagEvents: null, lagMs: serving.lagMs, servingGeneration, generations: progress };
  };
  return {
    app: {
      events,
      views: generations.views,
      deadLetters,
      recentEvents: cosmosRecentEvents(eventsContainer, now),
      projectionHealth,
      now,
      newId: randomUUID,
    },
    projectors: new Map(live.map(({ generation, views }) => [generation, { views, deadLetters, events, now }])),
  };
}
