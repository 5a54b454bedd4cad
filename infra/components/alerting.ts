import * as applicationinsights from "@pulumi/azure-native/applicationinsights/index.js";
import * as monitor from "@pulumi/azure-native/monitor/index.js";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { StackConfig } from "../config.js";

export interface AlertingArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly config: StackConfig;
  readonly tags: Record<string, string>;
  readonly workspaceId: pulumi.Input<string>;
  readonly appInsightsId: pulumi.Input<string>;
  readonly cosmosAccountId: pulumi.Input<string>;
}

/** The projector's log line (functions/src/azure/projector-handler.ts) that these queries parse. */
const BATCH_LINES = `traces | where message startswith "ProjectionBatch"`;

export const ALERT_QUERIES = {
  functionFailures: `requests | where success == false | summarize failures = count()`,
  projectionLag: `${BATCH_LINES} | extend lagMs = toint(extract(@"lagMs=(\\d+)", 1, message)) | summarize maxLagMs = max(lagMs)`,
  deadLetters: `${BATCH_LINES} | extend dead = toint(extract(@"deadLettered=(\\d+)", 1, message)) | summarize deadLettered = sum(dead)`,
} as const;

/** A stable GUID from a name: workbooks must be named by GUID, and a stack keeps its own. */
export function stableGuid(name: string): string {
  const h = createHash("sha256").update(name).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * What tells a user something is wrong, and where they look: Cosmos diagnostics into the
 * workspace, an action group, alerts for function failures, Cosmos throttling (429), projection
 * lag and dead letters, and a workbook with appends per minute, projection lag and RU use.
 */
export class Alerting extends pulumi.ComponentResource {
  readonly actionGroup: monitor.ActionGroup;
  readonly alerts: pulumi.CustomResource[];
  readonly workbook: applicationinsights.Workbook;
  readonly workbookUrl: pulumi.Output<string>;

  constructor(name: string, args: AlertingArgs, options: pulumi.ComponentResourceOptions = {}) {
    super("eventsourcing:azure:Alerting", name, {}, options);
    const { resourceGroupName, config, tags } = args;

    new monitor.DiagnosticSetting(
      `${name}-cosmos-diagnostics`,
      {
        resourceUri: args.cosmosAccountId,
        workspaceId: args.workspaceId,
        // Resource-specific tables (CDBDataPlaneRequests, ...), cheaper to query than AzureDiagnostics.
        logAnalyticsDestinationType: "Dedicated",
        logs: ["DataPlaneRequests", "QueryRuntimeStatistics", "PartitionKeyRUConsumption", "ControlPlaneRequests"].map((category) => ({ category, enabled: true })),
        metrics: [{ category: "Requests", enabled: true }],
      },
      { parent: this },
    );

    this.actionGroup = new monitor.ActionGroup(
      `${name}-action-group`,
      {
        resourceGroupName,
        location: "global",
        enabled: true,
        groupShortName: `es-${config.stack}`.slice(0, 12),
        emailReceivers: config.alertEmail === undefined ? [] : [{ name: "owner", emailAddress: config.alertEmail, useCommonAlertSchema: true }],
        tags,
      },
      { parent: this },
    );
    const actionGroups = [this.actionGroup.id];

    const logAlert = (suffix: string, description: string, query: string, timeAggregation: string, threshold: number, measure?: string) =>
      new monitor.ScheduledQueryRule(
        `${name}-${suffix}`,
        {
          resourceGroupName,
          location: config.location,
          kind: "LogAlert",
          description,
          displayName: `${config.stack}: ${description}`,
          enabled: true,
          severity: 2,
          scopes: [args.appInsightsId],
          evaluationFrequency: "PT5M",
          windowSize: "PT5M",
          criteria: {
            allOf: [
              {
                query,
                timeAggregation,
                ...(measure === undefined ? {} : { metricMeasureColumn: measure }),
                operator: "GreaterThan",
                threshold,
                failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
              },
            ],
          },
          actions: { actionGroups },
          tags,
        },
        { parent: this },
      );

    const throttling = new monitor.MetricAlert(
      `${name}-cosmos-throttling`,
      {
        resourceGroupName,
        location: "global",
        description: "Cosmos DB answered 429 (throttled): raise autoscale max throughput or spread the load",
        enabled: true,
        severity: 2,
        scopes: [args.cosmosAccountId],
        evaluationFrequency: "PT1M",
        windowSize: "PT5M",
        criteria: {
          odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
          allOf: [
            {
              criterionType: "StaticThresholdCriterion",
              name: "throttled-requests",
              metricName: "TotalRequests",
              metricNamespace: "Microsoft.DocumentDB/databaseAccounts",
              dimensions: [{ name: "StatusCode", operator: "Include", values: ["429"] }],
              operator: "GreaterThan",
              threshold: 0,
              timeAggregation: "Count",
            },
          ],
        },
        actions: [{ actionGroupId: this.actionGroup.id }],
        tags,
      },
      { parent: this },
    );

    this.alerts = [
      logAlert("function-failures", "Function invocations are failing", ALERT_QUERIES.functionFailures, "Count", 5),
      throttling,
      logAlert("projection-lag", `Projection lags more than ${config.projectionLagAlertSeconds} s`, ALERT_QUERIES.projectionLag, "Maximum", config.projectionLagAlertSeconds * 1000, "maxLagMs"),
      logAlert("dead-letters", "Events were dead-lettered by the projector", ALERT_QUERIES.deadLetters, "Total", 0, "deadLettered"),
    ];

    this.workbook = new applicationinsights.Workbook(
      `${name}-workbook`,
      {
        resourceGroupName,
        location: config.location,
        resourceName: stableGuid(`${config.project}/${config.stack}/workbook`),
        kind: "shared",
        category: "workbook",
        displayName: `Event store (${config.stack})`,
        sourceId: args.appInsightsId,
        serializedData: pulumi.output(args.workspaceId).apply((workspaceId) => JSON.stringify(workbookContent(workspaceId))),
        tags,
      },
      { parent: this },
    );
    this.workbookUrl = pulumi.interpolate`https://portal.azure.com/#resource${this.workbook.id}/workbook`;
    this.registerOutputs({ actionGroupId: this.actionGroup.id, workbookUrl: this.workbookUrl });
  }
}

/** The workbook: three charts over the last 24 hours. */
export function workbookContent(workspaceId: string) {
  const chart = (title: string, query: string, extra: Record<string, unknown> = {}) => ({
    type: 3,
    content: { version: "KqlItem/1.0", title, query, size: 0, timeContext: { durationMs: 86_400_000 }, queryType: 0, visualization: "timechart", ...extra },
  });
  return {
    version: "Notebook/1.0",
    items: [
      { type: 1, content: { json: "## Event store\nAppends, projection lag and request units of this stack." } },
      chart(
        "Appends per minute",
        `requests | where name in ("appendEvents", "placeOrder", "acceptOrder", "updateOrderArticles", "startPicking", "dispatchOrder", "deliverOrder", "cancelOrder") and success == true | summarize appends = count() by bin(timestamp, 1m)`,
      ),
      chart("Projection lag (ms)", `${BATCH_LINES} | extend lagMs = toint(extract(@"lagMs=(\\d+)", 1, message)) | summarize p50 = percentile(lagMs, 50), p99 = percentile(lagMs, 99) by bin(timestamp, 1m)`),
      chart("Request units per minute", "CDBDataPlaneRequests | summarize RU = sum(RequestCharge) by bin(TimeGenerated, 1m), OperationName", {
        resourceType: "microsoft.operationalinsights/workspaces",
        crossComponentResources: [workspaceId],
      }),
    ],
  };
}
