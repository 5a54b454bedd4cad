import * as managedidentity from "@pulumi/azure-native/managedidentity/index.js";
import * as storage from "@pulumi/azure-native/storage/index.js";
import * as web from "@pulumi/azure-native/web/index.js";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config.js";
import { withoutFlexRejectedProperties } from "../../policy/flex-consumption-rules.js";

export interface FunctionsAppArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly config: StackConfig;
  readonly tags: Record<string, string>;
  readonly cosmosEndpoint: pulumi.Input<string>;
  readonly databaseName: string;
  readonly appInsightsConnectionString: pulumi.Input<string>;
  /** The live generations of the views, oldest first, e.g. "1,2" (ViewGenerations.appSetting). */
  readonly viewsGenerations: string;
}

export const DEPLOYMENT_CONTAINER = "app-package";

/**
 * Removes from the Function App's `siteConfig` what Flex Consumption rejects, after
 * @pulumi/azure-native applied its defaults: its `siteConfigArgsProvideDefaults`
 * (types/input.js) adds `netFrameworkVersion: "v4.6"` to any siteConfig, and Flex answers
 * ARM 51021 for it (github.com/pulumi/pulumi-azure-native/issues/4168, closed awaiting
 * upstream). A `transforms` entry runs on the inputs the engine is about to register, so it is
 * the one place where the SDK's default can be taken out
 * (pulumi.com/docs/iac/concepts/resources/options/transforms).
 */
export const stripFlexRejectedSiteProperties: pulumi.ResourceTransform = ({ type, props, opts }) => {
  const siteConfig: unknown = props.siteConfig;
  if (type !== "azure-native:web:WebApp" || siteConfig === undefined || siteConfig === null) return undefined;
  const stripped = pulumi.Output.isInstance(siteConfig)
    ? (siteConfig as pulumi.Output<Record<string, unknown>>).apply(withoutFlexRejectedProperties)
    : withoutFlexRejectedProperties(siteConfig as Record<string, unknown>);
  return { props: { ...props, siteConfig: stripped }, opts };
};

/**
 * The Flex Consumption (FC1) Function App on Linux and Node 22, with a user-assigned identity
 * and only identity-based connections: storage with shared keys off, Cosmos DB through
 * COSMOS__*, Application Insights through Entra. HTTPS only, TLS 1.2 and no basic publishing
 * credentials: code arrives by one-deploy with an Entra token. Flex has no FTP to turn off, and
 * rejects `siteConfig.ftpsState` (policy/flex-consumption-rules.ts holds what it rejects).
 */
export class FunctionsApp extends pulumi.ComponentResource {
  readonly identity: managedidentity.UserAssignedIdentity;
  readonly storageAccount: storage.StorageAccount;
  readonly deploymentContainer: storage.BlobContainer;
  readonly plan: web.AppServicePlan;
  readonly app: web.WebApp;
  /** The SCM (Kudu) host that takes one-deploy uploads. */
  readonly scmHostName: pulumi.Output<string>;
  readonly defaultHostName: pulumi.Output<string>;

  constructor(name: string, args: FunctionsAppArgs, options: pulumi.ComponentResourceOptions = {}) {
    super("eventsourcing:azure:FunctionsApp", name, {}, options);
    const { resourceGroupName, config, tags } = args;
    const location = config.location;

    this.identity = new managedidentity.UserAssignedIdentity(`${name}-identity`, { resourceGroupName, location, tags }, { parent: this });

    this.storageAccount = new storage.StorageAccount(
      // Storage account names are 3-24 lowercase letters and digits; autonaming adds a suffix.
      `${name.replace(/[^a-z0-9]/g, "").slice(0, 14)}st`,
      {
        resourceGroupName,
        location,
        kind: "StorageV2",
        sku: { name: "Standard_LRS" },
        allowSharedKeyAccess: false,
        allowBlobPublicAccess: false,
        defaultToOAuthAuthentication: true,
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: "TLS1_2",
        tags,
      },
      { parent: this },
    );
    this.deploymentContainer = new storage.BlobContainer(
      `${name}-package`,
      { resourceGroupName, accountName: this.storageAccount.name, containerName: DEPLOYMENT_CONTAINER, publicAccess: "None" },
      { parent: this },
    );

    this.plan = new web.AppServicePlan(
      `${name}-plan`,
      { resourceGroupName, location, kind: "functionapp", reserved: true, sku: { name: "FC1", tier: "FlexConsumption" }, tags },
      { parent: this },
    );

    const clientId = this.identity.clientId;
    const appSettings = [
      { name: "AzureWebJobsStorage__accountName", value: this.storageAccount.name },
      { name: "AzureWebJobsStorage__credential", value: "managedidentity" },
      { name: "AzureWebJobsStorage__clientId", value: clientId },
      { name: "COSMOS__accountEndpoint", value: args.cosmosEndpoint },
      { name: "COSMOS__credential", value: "managedidentity" },
      { name: "COSMOS__clientId", value: clientId },
      { name: "COSMOS_DATABASE", value: args.databaseName },
      // Read by the app at start; a change restarts it, which registers one projector per
      // generation (https://learn.microsoft.com/azure/azure-functions/functions-app-settings).
      { name: "VIEWS_GENERATIONS", value: args.viewsGenerations },
      // An address, not a credential: local auth is off, so ingestion needs the identity below.
      { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: args.appInsightsConnectionString },
      { name: "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", value: pulumi.interpolate`Authorization=AAD;ClientId=${clientId}` },
    ];

    this.app = new web.WebApp(
      `${name}-app`,
      {
        resourceGroupName,
        location,
        kind: "functionapp,linux",
        serverFarmId: this.plan.id,
        httpsOnly: true,
        clientCertEnabled: false,
        identity: { type: "UserAssigned", userAssignedIdentities: [this.identity.id] },
        functionAppConfig: {
          deployment: {
            storage: {
              type: "blobContainer",
              value: pulumi.interpolate`${this.storageAccount.primaryEndpoints.blob}${DEPLOYMENT_CONTAINER}`,
              authentication: { type: "UserAssignedIdentity", userAssignedIdentityResourceId: this.identity.id },
            },
          },
          runtime: { name: "node", version: "22" },
          scaleAndConcurrency: {
            instanceMemoryMB: config.functionInstanceMemoryMB,
            maximumInstanceCount: config.functionMaximumInstances,
            ...(config.functionAlwaysReadyInstances > 0
              ? { alwaysReady: [{ name: "http", instanceCount: config.functionAlwaysReadyInstances }] }
              : {}),
          },
        },
        // Only properties outside Flex's rejection list: the official Flex Bicep quickstart sets
        // just minTlsVersion in siteConfig (as quoted in Azure/terraform-azurerm-avm-res-web-site#353).
        siteConfig: { appSettings, minTlsVersion: "1.2", scmMinTlsVersion: "1.2", http20Enabled: true },
        tags,
      },
      // The deployment storage names the container by URL only: without this the app could be
      // created before the container its packages go to.
      { parent: this, transforms: [stripFlexRejectedSiteProperties], dependsOn: [this.deploymentContainer] },
    );
    // Basic (user name and password) publishing credentials off for both FTP and the SCM site.
    new web.WebAppFtpAllowed(`${name}-no-ftp-credentials`, { resourceGroupName, name: this.app.name, allow: false }, { parent: this });
    new web.WebAppScmAllowed(`${name}-no-scm-credentials`, { resourceGroupName, name: this.app.name, allow: false }, { parent: this });

    this.defaultHostName = this.app.defaultHostName;
    this.scmHostName = this.app.hostNameSslStates.apply((states) => {
      const scm = (states ?? []).find((s) => s.hostType === "Repository")?.name;
      if (scm === undefined) throw new Error("the Function App reports no SCM host name; one-deploy needs it");
      return scm;
    });
    this.registerOutputs({ appName: this.app.name, defaultHostName: this.defaultHostName, identityClientId: clientId });
  }
}
