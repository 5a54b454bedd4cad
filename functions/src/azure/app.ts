/**
 * The Azure Functions entry point: registrations only. Every HTTP route of the API, and one
 * change-feed projector per live generation of the views, around the same handlers the local
 * server runs.
 */
import { app } from "@azure/functions";
import { createRoutes } from "../handlers/routes.js";
import { readAzureConfig } from "./azure-config.js";
import { createAzureDependencies } from "./azure-dependencies.js";
import { createProjectorHandler } from "./projector-handler.js";
import { CONTAINERS } from "../eventstore/cosmos/container-definitions.js";
import { leasePrefixOf, projectorFunctionName } from "../generations/view-generations.js";

const config = readAzureConfig(process.env);
const dependencies = createAzureDependencies(config);

for (const route of createRoutes(dependencies.app)) {
  app.http(route.name, { methods: [...route.methods], route: route.route, authLevel: route.authLevel, handler: route.handler });
}

for (const [generation, ports] of dependencies.projectors) {
  app.cosmosDB(projectorFunctionName(generation), {
    connection: "COSMOS",
    databaseName: config.databaseName,
    containerName: CONTAINERS.events.id,
    leaseContainerName: CONTAINERS.leases.id,
    // Each generation keeps its own leases in the shared container, so each reads the whole feed:
    // "a prefix allows two separate Azure Functions to share the same Lease container"
    // (https://learn.microsoft.com/javascript/api/@azure/functions/cosmosdbv4triggeroptions).
    leaseContainerPrefix: leasePrefixOf(generation),
    // Managed identity cannot create containers; Pulumi creates `leases`.
    createLeaseContainerIfNotExists: false,
    // A new generation has no leases yet, so it starts from the first event; later starts go on
    // from the stored leases (startFromBeginning, same page).
    startFromBeginning: true,
    feedPollDelay: 500,
    maxItemsPerInvocation: 200,
    // Without a retry policy the trigger advances past a batch whose handler threw.
    retry: { strategy: "exponentialBackoff", maxRetryCount: -1, minimumInterval: { seconds: 1 }, maximumInterval: { minutes: 5 } },
    handler: createProjectorHandler(ports),
  });
}
