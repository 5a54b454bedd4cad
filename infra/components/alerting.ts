import * as applicationinsights from "@pulumi/azure-native/applicationinsights/index.js";
import * as monitor from "@pulumi/azure-native/monitor/index.js";
import * as pulumi from "@pulumi/pulumi";
import { stableGuid } from "./stable-guid.js";
import type { StackConfig } from "../config.js";
import { PROJECTION_LAG_METRIC } from "../../functions/src/azure/app-insights-metrics.js";

export interface AlertingArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly config: StackConfig;
  readonly tags: Record<string, string>;
  readonly workspaceId: pulumi.Input<string>;
  readonly appInsightsId: pulumi.Input<string>;
  readonly cosmosAccountId: pulumi.Input<string>;
}

/** The projector's log line (functions/src/azure/projector-handler.ts) that the dead-letter query parses. */
const BATCH_LINES = `traces | where message startswith "ProjectionBatch"`;

/** The HTTP functions that append events: their successful requests are appends. */
export const APPEND_FUNCTIONS = [
  "appendEvents",
  "placeOrder",
  "acceptOrder",
  "updateOrderArticles",
  "startPicking",
  "dispatchOrder",
  "deliverOrder",
  "cancelOrder",
] as const;
/**
 * The change-feed projectors' function names start so: `projectViews`, then `projectViewsG2`, ...
 * for later generations of the views (functions/src/generations/view-generations.ts).
 */
export const PROJECTOR_FUNCTION = "projectViews";
const appendNames = APPEND_FUNCTIONS.map((n) => `"${n}"`).join(", ");

/**
 * Each query ends in one row whose column is the alert's measure (metricMeasureColumn), read
 * with timeAggregation Total or Maximum. Never Count on a summarized query: Count counts the
 * rows the query returns ("the alerting logic appends count to the query ... if you include
 * count in your query, it will always result in the value 1", azure-monitor/alerts/alerts-log-query).
 *
 * Function invocations are the `requests` of Application Insights, named after the function
 * (azure-functions/analyze-telemetry-data); custom metrics land in `customMetrics`, the
 * Application Insights name of the workspace table AppMetrics (Name, Sum, Min, Max, ItemCount;
 * azure-monitor/reference/tables/appmetrics), read in the Application Insights scope as `name`
 * and `value`. Cosmos DB's resource-specific diagnostics land in
 * CDBDataPlaneRequests with StatusCode per request (azure-monitor/reference/tables/cdbdataplanerequests;
 * cosmos-db/monitor-logs-basic-queries, "Requests throttled (statusCode = 429)").
 */
export const ALERT_QUERIES = {
  functionFailures: `requests | where success == false | summarize failures = count()`,
  /** The worst lag any batch reported in the window, from the ProjectionLagMs metric the projector emits. */
  projectionLag: `customMetrics | where name == "${PROJECTION_LAG_METRIC}" | summarize maxLagMs = max(value)`,
  deadLetters: `${BATCH_LINES} | extend dead = toint(extract(@"deadLettered=(\\d+)", 1, message)) | summarize deadLettered = sum(dead)`,
  /**
   * Appends succeeded in the window but no projector invocation did (any generation's: names
   * matched with the `startswith` string operator, learn.microsoft.com/kusto/query/startswith-operator): the projector is stuck in
   * its unbounded retry (a failed invocation is redelivered, so it never reports a batch) or not
   * running at all. 1 when stalled, else 0.
   */
  projectorStalled:
    `requests | where name in (${appendNames}) or name startswith "${PROJECTOR_FUNCTION}" ` +
    `| summarize appends = countif(success == true and not(name startswith "${PROJECTOR_FUNCTION}")), projected = countif(success == true and name startswith "${PROJECTOR_FUNCTION}") ` +
    `| extend stalled = iff(appends > 0 and projected == 0, 1, 0)`,
  /**
   * Percent of Cosmos DB requests throttled (429). Cosmos DB's guidance: "if you see between 1-5%
   * of requests with 429s, and your end to end latency is acceptable, this is a healthy sign that
   * the RU/s are being fully utilized" (cosmos-db/nosql/troubleshoot-request-rate-too-large), so
   * the alert is on a rate above 5%, over enough requests to be a rate (100 in the window).
   */
  cosmosThrottledPercent:
    `CDBDataPlaneRequests | summarize total = count(), throttled = countif(tostring(StatusCode) == "429") ` +
    `| extend throttledPercent = iff(total < 100, 0.0, 100.0 * throttled / total)`,
} as const;

/**
 * A log alert's window as ISO 8601, an hour written as the documented `PT1H` rather than
 * `PT60M` (window sizes PT1M to PT15M, PT30M, PT45M, PT1H, ...: the scheduled query rule's
 * windowSize in https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/monitor_scheduled_query_rules_alert_v2).
 */
export function windowOf(minutes: number): string {
  return minutes % 60 === 0 ? `PT${minutes / 60}H` : `PT${minutes}M`;
}

/** Throttled share of Cosmos DB requests above which the throttling alert fires, in percent. */
export const COSMOS_THROTTLED_PERCENT_ALERT = 5;

/**
 * What tells a user something is wrong, and where they look: Cosmos diagnostics into the
 * workspace, an action group, alerts for function failures, a projector that stopped making
 * progress, a sustained Cosmos throttling rate, projection lag and dead letters, and a workbook
 * with appends per minute, projection lag and RU use.
 */
export class Alerting extends pulumi.ComponentResource {
  readonly actionGroup: monitor.ActionGroup;
  readonly alerts: pulumi.CustomResource[];
  readonly workbook: applicationinsights.Workbook;
  readonly workbookUrl: pulumi.Output<string>;

  constructor(name: string, args: AlertingArgs, options: pulumi.ComponentResourceOptions = {}) {
    super("eventsourcing:azure:Alerting", name, {}, options);
    const { resourceGroupName, config, tags } = args;

    const cosmosDiagnostics = new monitor.DiagnosticSetting(
      `${name}-cosmos-diagnostics`,
      {
        resourceUri: args.cosmosAccountId,
        workspaceId: args.workspaceId,
        // Resource-specific tables (CDBDataPlaneRequests, ...), cheaper to query than AzureDiagnostics.
        logAnalyticsDestinationType: "Dedicated",
        logs: ["DataPlaneRequests", "QueryRuntimeStatistics", "PartitionKeyRUConsumption", "ControlPlaneRequests"].map((category) => ({
          category,
          enabled: true,
        })),
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
        emailReceivers:
          config.alertEmail === undefined ? [] : [{ name: "owner", emailAddress: config.alertEmail, useCommonAlertSchema: true }],
        tags,
      },
      { parent: this },
    );
    const actionGroups = [this.actionGroup.id];

    interface LogAlert {
      readonly description: string;
      readonly query: string;
      /** The query's result column the threshold applies to, aggregated with timeAggregation. */
      readonly measure: string;
      readonly timeAggregation: "Total" | "Maximum";
      readonly threshold: number;
      /** Application Insights by default; the workspace for Cosmos DB's diagnostics. */
      readonly scope?: pulumi.Input<string>;
      /** ISO 8601 duration of the window the query runs over; default five minutes. */
      readonly windowSize?: string;
      /**
       * For a query on a table that appears only once data flows (Cosmos DB's resource-specific
       * diagnostics in a new workspace): creating the rule would otherwise fail with "Failed to
       * resolve table or column expression" (https://github.com/Azure/bicep/issues/11378).
       * skipQueryValidation "is used by the scheduledQueryRule RP so that a rule can be deployed
       * before a table exists" (https://github.com/Azure/azure-rest-api-specs/pull/32650).
       */
      readonly tableAppearsLater?: pulumi.Resource;
    }
    const logAlert = (suffix: string, alert: LogAlert) =>
      new monitor.ScheduledQueryRule(
        `${name}-${suffix}`,
        {
          resourceGroupName,
          location: config.location,
          kind: "LogAlert",
          description: alert.description,
          displayName: `${config.stack}: ${alert.description}`,
          enabled: true,
          severity: 2,
          scopes: [alert.scope ?? args.appInsightsId],
          evaluationFrequency: "PT5M",
          windowSize: alert.windowSize ?? "PT5M",
          criteria: {
            allOf: [
              {
                query: alert.query,
                timeAggregation: alert.timeAggregation,
                metricMeasureColumn: alert.measure,
                operator: "GreaterThan",
                threshold: alert.threshold,
                failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
              },
            ],
          },
          actions: { actionGroups },
          ...(alert.tableAppearsLater === undefined ? {} : { skipQueryValidation: true }),
          tags,
        },
        { parent: this, ...(alert.tableAppearsLater === undefined ? {} : { dependsOn: [alert.tableAppearsLater] }) },
      );

    this.alerts = [
      logAlert("function-failures", {
        description: "More than 5 function invocations failed in 5 minutes",
        query: ALERT_QUERIES.functionFailures,
        measure: "failures",
        timeAggregation: "Total",
        threshold: 5,
      }),
      logAlert("projector-stalled", {
        description: `Appends succeed but the projector made no progress for ${config.projectorStallAlertMinutes} minutes`,
        query: ALERT_QUERIES.projectorStalled,
        measure: "stalled",
        timeAggregation: "Maximum",
        threshold: 0,
        windowSize: windowOf(config.projectorStallAlertMinutes),
      }),
      logAlert("cosmos-throttling", {
        description: `More than ${COSMOS_THROTTLED_PERCENT_ALERT}% of Cosmos DB requests throttled (429) over 15 minutes: raise the autoscale maximum or spread the load`,
        query: ALERT_QUERIES.cosmosThrottledPercent,
        measure: "throttledPercent",
        timeAggregation: "Maximum",
        threshold: COSMOS_THROTTLED_PERCENT_ALERT,
        scope: args.workspaceId,
        windowSize: "PT15M",
        tableAppearsLater: cosmosDiagnostics,
      }),
      logAlert("projection-lag", {
        description: `Projection lags more than ${config.projectionLagAlertSeconds} s`,
        query: ALERT_QUERIES.projectionLag,
        measure: "maxLagMs",
        timeAggregation: "Maximum",
        threshold: config.projectionLagAlertSeconds * 1000,
      }),
      logAlert("dead-letters", {
        description: "Events were dead-lettered by the projector",
        query: ALERT_QUERIES.deadLetters,
        measure: "deadLettered",
        timeAggregation: "Total",
        threshold: 0,
      }),
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
    content: {
      version: "KqlItem/1.0",
      title,
      query,
      size: 0,
      timeContext: { durationMs: 86_400_000 },
      queryType: 0,
      visualization: "timechart",
      ...extra,
    },
  });
  return {
    version: "Notebook/1.0",
    items: [
      { type: 1, content: { json: "## Event store\nAppends, projection lag and request units of this stack." } },
      chart(
        "Appends per minute",
        `requests | where name in (${appendNames}) and success == true | summarize appends = count() by bin(timestamp, 1m)`,
      ),
      chart(
        "Projection lag (ms)",
        `customMetrics | where name == "${PROJECTION_LAG_METRIC}" | summarize p50 = percentile(value, 50), p99 = percentile(value, 99), max = max(value) by bin(timestamp, 1m)`,
      ),
      chart(
        "Request units per minute",
        "CDBDataPlaneRequests | summarize RU = sum(RequestCharge) by bin(TimeGenerated, 1m), OperationName",
        {
          resourceType: "microsoft.operationalinsights/workspaces",
          crossComponentResources: [workspaceId],
        },
      ),
    ],
  };
}
