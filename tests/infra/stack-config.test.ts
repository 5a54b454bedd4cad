import type * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { FLEX_DEFAULT_MEMORY_QUOTA_MB, readStackConfig, StackConfigError } from "../../infra/config.js";

const configOf = (values: Record<string, string>) => ({ get: (key: string) => values[key] }) as unknown as pulumi.Config;
const PROJECT = "eventsourcing-azure";

/** A stack file's settings without the project prefix, as `pulumi.Config` hands them over. */
function stackFile(stack: string): Record<string, string> {
  const file = parse(readFileSync(join(import.meta.dirname, `../../Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(file.config).map(([k, v]) => [k.replace(`${PROJECT}:`, ""), String(v)]));
}

describe("stack config", () => {
  it("documents a default for every optional key", () => {
    expect(readStackConfig(configOf({ location: "westeurope" }), PROJECT, "alice")).toStrictEqual({
      project: PROJECT,
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
      flexMemoryQuotaMB: 512_000,
      logRetentionDays: 30,
      alertEmail: undefined,
      projectionLagAlertSeconds: 60,
      projectorStallAlertMinutes: 15,
      protectData: false,
      owner: "alice",
      deployCode: true,
      viewsGeneration: 1,
      viewsRetireBelow: 1,
    });
  });

  it("names every bad key in one clear error", () => {
    const read = () =>
      readStackConfig(
        configOf({
          cosmosThroughput: "provisioned",
          functionInstanceMemoryMB: "1024",
          logRetentionDays: "7",
          alertEmail: "nobody",
          cosmosZoneRedundant: "yes",
          cosmosSecondaryLocation: "northeurope",
          protectData: "on",
          functionMaximumInstances: "12.5",
        }),
        PROJECT,
        "dev",
      );
    expect(read).toThrow(StackConfigError);
    for (const message of [
      "eventsourcing-azure:location is required",
      "eventsourcing-azure:cosmosThroughput must be one of serverless, autoscale; got 'provisioned'",
      "eventsourcing-azure:functionInstanceMemoryMB must be 512, 2048 or 4096; got '1024'",
      "eventsourcing-azure:logRetentionDays must be a whole number from 30 to 730; got '7'",
      "eventsourcing-azure:functionMaximumInstances must be a whole number from 40 to 1000; got '12.5'",
      "eventsourcing-azure:alertEmail must be an e-mail address; got 'nobody'",
      "eventsourcing-azure:cosmosZoneRedundant must be true or false; got 'yes'",
      "eventsourcing-azure:protectData must be true or false; got 'on'",
      "eventsourcing-azure:cosmosSecondaryLocation needs cosmosThroughput autoscale",
    ]) {
      expect(read).toThrow(message);
    }
  });

  it("refuses memory × maximum instances above the Flex regional quota, naming both keys", () => {
    const read = (values: Record<string, string>) => () =>
      readStackConfig(configOf({ location: "westeurope", ...values }), PROJECT, "prod");
    // 4096 MB × 200 = 819,200 MB: the sizing Pulumi.prod.yaml once had.
    expect(read({ functionInstanceMemoryMB: "4096", functionMaximumInstances: "200" })).toThrow(
      /eventsourcing-azure:functionMaximumInstances × eventsourcing-azure:functionInstanceMemoryMB is 200 × 4096 MB = 819200 MB, above the Flex Consumption memory quota of 512000 MB/,
    );
    expect(read({ functionInstanceMemoryMB: "2048", functionMaximumInstances: "251" })).toThrow(/at most 250 instances of 2048 MB/);
    // Exactly at the quota is allowed; so is more with a raised quota.
    expect(read({ functionInstanceMemoryMB: "4096", functionMaximumInstances: "125" })().functionMaximumInstances).toBe(125);
    expect(
      read({ functionInstanceMemoryMB: "4096", functionMaximumInstances: "200", flexMemoryQuotaMB: "1000000" })().flexMemoryQuotaMB,
    ).toBe(1_000_000);
    expect(FLEX_DEFAULT_MEMORY_QUOTA_MB).toBe(512_000);
  });

  it("reads both example stack files, protecting data in prod only", () => {
    const prod = readStackConfig(configOf(stackFile("prod")), PROJECT, "prod");
    expect(prod.functionInstanceMemoryMB * prod.functionMaximumInstances).toBeLessThanOrEqual(prod.flexMemoryQuotaMB);
    expect(prod.protectData).toBe(true);
    expect(readStackConfig(configOf(stackFile("dev")), PROJECT, "dev").protectData).toBe(false);
  });
});
