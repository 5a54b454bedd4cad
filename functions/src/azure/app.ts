/**
 * The Azure Functions entry point: registrations only. Every HTTP route of the API and the
 * change-feed projector, around the same handlers the local server runs.
 */
import { app } from "@azure/functions";
import { dashboardRoute } from "../dashboard/dashboard-route.js";
import { createRoutes } from "../handlers/routes.js";
import { readAzureConfig } from "./azure-config.js";
import { createAzureDependencies } from "./azure-dependencies.js";
import { createProjectorHandler } from "./projector-handler.js";
import { CONTAINERS } from "../eventstore/cosmos/container-definitions.js";

/** Lease prefix of the views projector; another projector on the same feed takes its own. */
export const PROJECTOR_LEASE_PREFIX = "views-";

const config = readAzureConfig(process.env);
const dependencies = createAzureDependencies(config);

// The dashboard page is a route of its own, outside the API's table: an HTML page, anonymous.
for (const route of [...createRoutes(dependencies.app), dashboardRoute()]) {
  app.http(route.name, { methods: [...route.methods], route: route.route, authLevel: route.authLevel, handler: route.handler });
}

app.cosmosDB("projectViews", {
  connection: "COSMOS",
  databaseName: config.databaseName,
  containerName: CONTAINERS.events.id,
  leaseContainerName: CONTAINERS.leases.id,
  leaseContainerPrefix: PROJECTOR_LEASE_PREFIX,
  // Managed identity cannot create containers; Pulumi creates `leases`.
  createLeaseContainerIfNotExists: false,
  startFromBeginning: true,
  feedPollDelay: 500,
  maxItemsPerInvocation: 200,
  // Without a retry policy the trigger advances past a batch whose handler threw.
  retry: { strategy: "exponentialBackoff", maxRetryCount: -1, minimumInterval: { seconds: 1 }, maximumInterval: { minutes: 5 } },
  handler: createProjectorHandler(dependencies.projector),
});
