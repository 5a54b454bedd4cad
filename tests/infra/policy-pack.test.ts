import { beforeAll, describe, expect, it } from "vitest";
import type { Props } from "../../policy/rules.js";
import type { ProgramRun } from "./program-under-mocks.js";
import { BASELINE_RULES, violationsOf } from "../../policy/rules.js";
import { runProgram } from "./program-under-mocks.js";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("dev");
}, 60_000);

/** A deep copy with one change, the way a careless edit would weaken the program. */
function weakened(type: string, change: (props: Props) => void): Props {
  const props = structuredClone(run.one(type).inputs) as Props;
  change(props);
  return props;
}

const settingsOf = (props: Props) => (props.siteConfig as { appSettings: { name: string; value: string }[] }).appSettings;

/** For each rule, a weakening of the program that it must refuse. */
const WEAKENINGS: Record<string, { type: string; change: (props: Props) => void }[]> = {
  "cosmos-identity-only": [
    { type: "azure-native:cosmosdb:DatabaseAccount", change: (p) => (p.disableLocalAuth = false) },
    { type: "azure-native:cosmosdb:DatabaseAccount", change: (p) => delete p.disableKeyBasedMetadataWriteAccess },
  ],
  "cosmos-tls12-and-continuous-backup": [
    { type: "azure-native:cosmosdb:DatabaseAccount", change: (p) => (p.minimalTlsVersion = "Tls11") },
    { type: "azure-native:cosmosdb:DatabaseAccount", change: (p) => (p.backupPolicy = { type: "Periodic" }) },
  ],
  "storage-no-shared-key": [
    { type: "azure-native:storage:StorageAccount", change: (p) => (p.allowSharedKeyAccess = true) },
    { type: "azure-native:storage:StorageAccount", change: (p) => (p.minimumTlsVersion = "TLS1_0") },
    { type: "azure-native:storage:StorageAccount", change: (p) => (p.allowBlobPublicAccess = true) },
  ],
  "function-app-https-tls12": [
    { type: "azure-native:web:WebApp", change: (p) => (p.httpsOnly = false) },
    { type: "azure-native:web:WebApp", change: (p) => ((p.siteConfig as Props).minTlsVersion = "1.0") },
    { type: "azure-native:web:WebApp", change: (p) => ((p.siteConfig as Props).ftpsState = "AllAllowed") },
  ],
  "function-app-identity-based-settings": [
    { type: "azure-native:web:WebApp", change: (p) => settingsOf(p).push({ name: "AzureWebJobsStorage", value: "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc" }) },
    { type: "azure-native:web:WebApp", change: (p) => settingsOf(p).push({ name: "FUNCTIONS_WORKER_RUNTIME", value: "node" }) },
    { type: "azure-native:web:WebApp", change: (p) => settingsOf(p).push({ name: "MY_BLOB", value: "https://x.blob.core.windows.net/c?sv=1&sig=abc" }) },
    { type: "azure-native:web:WebApp", change: (p) => (p.identity = { type: "SystemAssigned" }) },
    {
      type: "azure-native:web:WebApp",
      change: (p) => {
        const settings = settingsOf(p);
        settings.splice(settings.findIndex((s) => s.name === "COSMOS__credential"), 1);
      },
    },
  ],
  "no-basic-publishing-credentials": [
    { type: "azure-native:web:WebAppFtpAllowed", change: (p) => (p.allow = true) },
    { type: "azure-native:web:WebAppScmAllowed", change: (p) => (p.allow = true) },
  ],
  "app-insights-no-local-auth": [{ type: "azure-native:applicationinsights:Component", change: (p) => (p.disableLocalAuth = false) }],
  "required-tags": [
    { type: "azure-native:cosmosdb:DatabaseAccount", change: (p) => delete (p.tags as Props).owner },
    { type: "azure-native:resources:ResourceGroup", change: (p) => delete p.tags },
  ],
};

describe("the baseline policy pack", () => {
  it("passes the program as written: no resource violates any rule", () => {
    const inspected = run.resources.filter((r) => BASELINE_RULES.some((rule) => rule.types.includes(r.type)));
    expect(inspected.length).toBeGreaterThanOrEqual(15);
    for (const r of run.resources) expect(violationsOf(r.type, r.inputs), `${r.type} ${r.name}`).toEqual([]);
  });

  it("has a weakening test for every rule", () => {
    expect(Object.keys(WEAKENINGS).sort()).toEqual(BASELINE_RULES.map((r) => r.name).sort());
  });

  for (const [rule, cases] of Object.entries(WEAKENINGS)) {
    it(`${rule} refuses each weakened copy`, () => {
      for (const { type, change } of cases) {
        const found = violationsOf(type, weakened(type, change)).filter((v) => v.rule === rule);
        expect(found.length, `${type}: ${change.toString()}`).toBeGreaterThan(0);
      }
    });
  }
});
