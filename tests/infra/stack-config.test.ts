import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { readStackConfig, StackConfigError } from "../../infra/config.js";

const configOf = (values: Record<string, string>) => ({ get: (key: string) => values[key] }) as unknown as pulumi.Config;

describe("stack config", () => {
  it("documents a default for every optional key", () => {
    expect(readStackConfig(configOf({ location: "westeurope" }), "eventsourcing-azure", "alice")).toEqual({
      project: "eventsourcing-azure",
      stack: "alice",
      location: "westeurope",
      cosmosThroughput: "serverless",
      cosmosAutoscaleMaxThroughput: 1000,
      cosmosZoneRedundant: false,
      cosmosSecondaryLocation: undefined,
      cosmosBackupTier: "Continuous7Days",
      functionInstanceMemoryMB: 2048,
      functionMaximumInstances: 40,
      functionAlwaysReadyInstances: 0,
      logRetentionDays: 30,
      alertEmail: undefined,
      projectionLagAlertSeconds: 60,
      owner: "alice",
      deployCode: true,
      viewsGeneration: 1,
      viewsRetireBelow: 1,
    });
  });

  it("names every bad key in one clear error", () => {
    const read = () =>
      readStackConfig(
        configOf({ cosmosThroughput: "provisioned", functionInstanceMemoryMB: "1024", logRetentionDays: "7", alertEmail: "nobody", cosmosZoneRedundant: "yes", cosmosSecondaryLocation: "northeurope" }),
        "eventsourcing-azure",
        "dev",
      );
    expect(read).toThrow(StackConfigError);
    for (const message of [
      "eventsourcing-azure:location is required",
      "eventsourcing-azure:cosmosThroughput must be one of serverless, autoscale; got 'provisioned'",
      "eventsourcing-azure:functionInstanceMemoryMB must be 512, 2048 or 4096; got '1024'",
      "eventsourcing-azure:logRetentionDays must be a whole number from 30 to 730; got '7'",
      "eventsourcing-azure:alertEmail must be an e-mail address",
      "eventsourcing-azure:cosmosZoneRedundant must be true or false",
      "eventsourcing-azure:cosmosSecondaryLocation needs cosmosThroughput autoscale",
    ]) {
      expect(read).toThrow(message);
    }
  });
});
