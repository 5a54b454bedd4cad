import * as applicationinsights from "@pulumi/azure-native/applicationinsights/index.js";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights/index.js";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config.js";

export interface MonitoringArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly config: StackConfig;
  readonly tags: Record<string, string>;
}

/**
 * Where telemetry lands: a Log Analytics workspace and a workspace-based Application Insights
 * with local auth off (ingestion only with an Entra token, so its connection string is an
 * address, not a credential). Alerts, diagnostics and the workbook are in Alerting, which needs
 * the resources they watch.
 */
export class Monitoring extends pulumi.ComponentResource {
  readonly workspace: operationalinsights.Workspace;
  readonly appInsights: applicationinsights.Component;

  constructor(name: string, args: MonitoringArgs, options: pulumi.ComponentResourceOptions = {}) {
    super("eventsourcing:azure:Monitoring", name, {}, options);
    const { resourceGroupName, config, tags } = args;
    this.workspace = new operationalinsights.Workspace(
      `${name}-logs`,
      { resourceGroupName, location: config.location, sku: { name: "PerGB2018" }, retentionInDays: config.logRetentionDays, tags },
      { parent: this },
    );
    this.appInsights = new applicationinsights.Component(
      `${name}-insights`,
      {
        resourceGroupName,
        location: config.location,
        kind: "web",
        applicationType: "web",
        workspaceResourceId: this.workspace.id,
        ingestionMode: "LogAnalytics",
        disableLocalAuth: true,
        tags,
      },
      { parent: this },
    );
    this.registerOutputs({ workspaceId: this.workspace.id, appInsightsId: this.appInsights.id });
  }
}
