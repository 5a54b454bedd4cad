/**
 * One stack of the event store on Azure. This file only wires the components; each concern
 * (database, app, access, telemetry, alerts, code) is its own ComponentResource.
 */
import * as resources from "@pulumi/azure-native/resources/index.js";
import * as pulumi from "@pulumi/pulumi";
import { buildFunctions } from "../scripts/build-functions.js";
import { Access } from "./components/access.js";
import { Alerting } from "./components/alerting.js";
import { EventStoreDatabase } from "./components/event-store-database.js";
import { FunctionsApp } from "./components/functions-app.js";
import { FunctionsCode } from "./components/functions-code.js";
import { Monitoring } from "./components/monitoring.js";
import { ViewGenerations } from "./components/view-generations.js";
import { guardViewGenerations } from "./view-generations-guard.js";
import { readStackConfig, tagsOf } from "./config.js";
import { resourcePrefixOf } from "./resource-prefix.js";
import { readDeploymentConfig } from "./deployment/deployment-config.js";
import { defaultFunctionKey } from "./deployment/host-keys.js";

const config = readStackConfig();
const viewGenerationSpan = { oldest: config.viewsRetireBelow, newest: config.viewsGeneration };
await guardViewGenerations(viewGenerationSpan);
const tags = tagsOf(config);
const name = resourcePrefixOf(config.stack);

const group = new resources.ResourceGroup(`${name}-rg`, { location: config.location, tags });
const resourceGroupName = group.name;

const monitoring = new Monitoring(`${name}-mon`, { resourceGroupName, config, tags });
const database = new EventStoreDatabase(`${name}-db`, { resourceGroupName, config, tags });
const views = new ViewGenerations(`${name}-views`, {
  resourceGroupName,
  accountName: database.account.name,
  databaseName: database.database.name,
  tags,
  ...viewGenerationSpan,
});
const functions = new FunctionsApp(`${name}-fn`, {
  resourceGroupName,
  config,
  tags,
  cosmosEndpoint: database.endpoint,
  databaseName: database.databaseName,
  appInsightsConnectionString: monitoring.appInsights.connectionString,
  viewsGenerations: views.appSetting,
});
const access = new Access(`${name}-access`, {
  resourceGroupName,
  principalId: functions.identity.principalId,
  storageAccountId: functions.storageAccount.id,
  appInsightsId: monitoring.appInsights.id,
  cosmosAccountName: database.account.name,
  cosmosAccountId: database.account.id,
  stackKey: `${config.project}/${config.stack}`,
});
const alerting = new Alerting(`${name}-alerts`, {
  resourceGroupName,
  config,
  tags,
  workspaceId: monitoring.workspace.id,
  appInsightsId: monitoring.appInsights.id,
  cosmosAccountId: database.account.id,
});

// After the grants: the app reads its package from storage with its identity.
async function deployCode(): Promise<FunctionsCode> {
  const built = await buildFunctions();
  void pulumi.log.info(`functions bundle ${(built.bundleBytes / 1024).toFixed(1)} KiB, zip sha256 ${built.sha256}`);
  return new FunctionsCode(
    `${name}-code`,
    {
      appId: functions.app.id,
      scmHostName: functions.scmHostName,
      defaultHostName: functions.defaultHostName,
      zipPath: built.zip,
      zipSha256: built.sha256,
      propagationWindowMinutes: readDeploymentConfig().propagationWindowMinutes,
    },
    { dependsOn: [...access.assignments, functions.app] },
  );
}
const code = config.deployCode ? await deployCode() : undefined;

// The host keeps its keys in storage through the app's identity: read them once the code runs.
const functionKeyOutput = defaultFunctionKey({
  resourceGroupName,
  appName: functions.app.name,
  after: [...access.assignments, ...(code ? [code.deployment] : [])],
});

export const resourceGroup = resourceGroupName;
export const apiBaseUrl = pulumi.interpolate`https://${functions.defaultHostName}/api`;
export const functionKey = functionKeyOutput;
export const cosmosEndpoint = database.endpoint;
export const functionAppName = functions.app.name;
export const workbookUrl = alerting.workbookUrl;
/** Checks the deployment end to end with the URL and key above (scripts/smoke.ts). */
export const smokeCommand = pulumi.output(`npm run smoke -- --stack ${pulumi.getStack()}`);
/** Read back by the next up (view-generations-guard.ts). */
export const viewGenerations = pulumi.output(viewGenerationSpan);
/**
 * Each attendee's one link: the live dashboard with the function key in the URL fragment, which
 * browsers never send to a server (so it stays out of logs); the page sends it as x-functions-key.
 */
export const dashboardUrl = pulumi.secret(
  pulumi.interpolate`https://${functions.defaultHostName}/api/dashboard#key=${functionKey.apply(encodeURIComponent)}`,
);
