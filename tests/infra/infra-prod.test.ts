import { beforeAll, describe, expect, it } from "vitest";
import type { ProgramRun } from "./program-under-mocks.js";
import { runProgram } from "./program-under-mocks.js";

let run: ProgramRun;
beforeAll(async () => {
  // The code deployment is dev's to test; prod checks the infrastructure without building the bundle.
  // A stall window of an hour, the longest the config takes: written PT1H on the registered rule.
  run = await runProgram("prod", { "eventsourcing-azure:deployCode": "false", "eventsourcing-azure:projectorStallAlertMinutes": "60" });
}, 120_000);

describe("the prod example stack under mocks", () => {
  it("uses autoscale throughput, zone redundancy, a second region and 30 days of continuous backup", () => {
    const account = run.one("azure-native:cosmosdb:DatabaseAccount");
    expect(account.inputs).toMatchObject({
      capabilities: [],
      enableAutomaticFailover: true,
      locations: [
        { locationName: "westeurope", failoverPriority: 0, isZoneRedundant: true },
        { locationName: "northeurope", failoverPriority: 1, isZoneRedundant: true },
      ],
      backupPolicy: { type: "Continuous", continuousModeProperties: { tier: "Continuous30Days" } },
      disableLocalAuth: true,
    });
    expect(run.one("azure-native:cosmosdb:SqlResourceSqlDatabase").inputs.options).toEqual({ autoscaleSettings: { maxThroughput: 4000 } });
  });

  it("keeps HTTP instances always ready, with the configured memory and scale-out", () => {
    expect(run.one("azure-native:web:WebApp").inputs.functionAppConfig.scaleAndConcurrency).toEqual({
      instanceMemoryMB: 4096,
      maximumInstanceCount: 120,
      alwaysReady: [{ name: "http", instanceCount: 2 }],
    });
  });

  it("keeps logs longer, e-mails alerts and tightens the lag alert", () => {
    expect(run.one("azure-native:operationalinsights:Workspace").inputs.retentionInDays).toBe(90);
    expect(run.one("azure-native:monitor:ActionGroup").inputs.emailReceivers).toEqual([
      { name: "owner", emailAddress: "oncall@example.com", useCommonAlertSchema: true },
    ]);
    const lag = run
      .ofType("azure-native:monitor:ScheduledQueryRule")
      .find((r) => String(r.inputs.criteria.allOf[0].query).includes("ProjectionLagMs"));
    expect(lag?.inputs.criteria.allOf[0].threshold).toBe(30_000);
    const stalled = run
      .ofType("azure-native:monitor:ScheduledQueryRule")
      .find((r) => String(r.inputs.criteria.allOf[0].query).includes("stalled ="));
    expect(stalled?.inputs.windowSize).toBe("PT1H");
    expect(run.one("azure-native:resources:ResourceGroup").inputs.tags.owner).toBe("platform-team");
  });

  it("protects the source of truth: the Cosmos account, the database and the events container, and nothing derived", () => {
    const byName = (type: string) =>
      new Map(run.ofType(type).map((r) => [String(r.inputs.containerName ?? r.inputs.databaseName ?? r.name), r]));
    expect(run.one("azure-native:cosmosdb:DatabaseAccount").protect).toBe(true);
    expect(run.one("azure-native:cosmosdb:SqlResourceSqlDatabase").protect).toBe(true);
    const containers = byName("azure-native:cosmosdb:SqlResourceSqlContainer");
    expect(containers.get("events")?.protect).toBe(true);
    for (const derived of ["views-g1", "leases", "deadletters"]) expect(containers.get(derived)?.protect, derived).toBe(false);
    const protectedTypes = run.resources.filter((r) => r.protect).map((r) => r.type);
    expect(protectedTypes.sort()).toEqual([
      "azure-native:cosmosdb:DatabaseAccount",
      "azure-native:cosmosdb:SqlResourceSqlContainer",
      "azure-native:cosmosdb:SqlResourceSqlDatabase",
    ]);
  });
});
