import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Props } from "../../policy/rules.js";
import type { ProgramRun } from "./program-under-mocks.js";
import { FLEX_REJECTED_APP_SETTINGS, FLEX_REJECTED_SITE_PROPERTIES } from "../../policy/flex-consumption-rules.js";
import { BASELINE_RULES, violationsOf } from "../../policy/rules.js";
import { runProgram } from "./program-under-mocks.js";

/** The pack as `pulumi preview --policy-pack policy` loads it: the PolicyPack the module constructs. */
const packs = vi.hoisted(
  () =>
    [] as {
      name: string;
      policies: { name: string; enforcementLevel: string; validateResource: (args: unknown, report: (message: string) => void) => void }[];
    }[],
);
vi.mock("@pulumi/policy", () => ({
  PolicyPack: vi.fn(function (name: string, args: { policies: (typeof packs)[number]["policies"] }) {
    packs.push({ name, policies: args.policies });
  }),
}));

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("dev", { "eventsourcing-azure:deployCode": "false" });
}, 120_000);

/** A deep copy with one change, the way a careless edit would weaken the program. */
function weakened(type: string, change: (props: Props) => void): Props {
  const props = structuredClone(run.one(type).inputs) as Props;
  change(props);
  return props;
}

const settingsOf = (props: Props) => (props.siteConfig as { appSettings: { name: string; value: string }[] }).appSettings;
const siteConfigOf = (props: Props) => props.siteConfig as Props;
const deploymentAuthOf = (props: Props) =>
  ((props.functionAppConfig as Props).deployment as { storage: { authentication: Props } }).storage.authentication;
const removeSetting = (props: Props, name: string): void => {
  const settings = settingsOf(props);
  settings.splice(
    settings.findIndex((s) => s.name === name),
    1,
  );
};

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
    { type: "azure-native:web:WebApp", change: (p) => (siteConfigOf(p).minTlsVersion = "1.0") },
    { type: "azure-native:web:WebApp", change: (p) => (siteConfigOf(p).minTlsVersion = "1.1") },
    { type: "azure-native:web:WebApp", change: (p) => delete siteConfigOf(p).minTlsVersion },
    { type: "azure-native:web:WebApp", change: (p) => (siteConfigOf(p).scmMinTlsVersion = "1.0") },
  ],
  // Every entry of the Flex table, set on the program's own Function App, is refused.
  "flex-consumption-rejected-settings": [
    ...FLEX_REJECTED_SITE_PROPERTIES.map(({ name }) => ({
      type: "azure-native:web:WebApp",
      change: (p: Props) => (siteConfigOf(p)[name] = name === "ftpsState" ? "Disabled" : true),
    })),
    ...FLEX_REJECTED_APP_SETTINGS.map(({ name }) => ({
      type: "azure-native:web:WebApp",
      change: (p: Props) => settingsOf(p).push({ name, value: "1" }),
    })),
    // App setting names are case-insensitive.
    { type: "azure-native:web:WebApp", change: (p) => settingsOf(p).push({ name: "functions_worker_runtime", value: "node" }) },
  ],
  "function-app-identity-deployment-storage": [
    { type: "azure-native:web:WebApp", change: (p) => (deploymentAuthOf(p).type = "StorageAccountConnectionString") },
    {
      type: "azure-native:web:WebApp",
      change: (p) => {
        deploymentAuthOf(p).type = "StorageAccountConnectionString";
        deploymentAuthOf(p).storageAccountConnectionStringName = "DEPLOYMENT_STORAGE_CONNECTION_STRING";
      },
    },
    { type: "azure-native:web:WebApp", change: (p) => delete deploymentAuthOf(p).userAssignedIdentityResourceId },
    {
      type: "azure-native:web:WebApp",
      change: (p) => delete (((p.functionAppConfig as Props).deployment as Props).storage as Props).authentication,
    },
  ],
  "function-app-identity-based-settings": [
    {
      type: "azure-native:web:WebApp",
      change: (p) =>
        settingsOf(p).push({ name: "AzureWebJobsStorage", value: "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc" }),
    },
    {
      type: "azure-native:web:WebApp",
      change: (p) => settingsOf(p).push({ name: "APPINSIGHTS_INSTRUMENTATIONKEY", value: "00000000-0000-0000-0000-000000000000" }),
    },
    {
      type: "azure-native:web:WebApp",
      change: (p) => settingsOf(p).push({ name: "MY_BLOB", value: "https://x.blob.core.windows.net/c?sv=1&sig=abc" }),
    },
    { type: "azure-native:web:WebApp", change: (p) => (p.identity = { type: "SystemAssigned" }) },
    {
      type: "azure-native:web:WebApp",
      change: (p) => {
        removeSetting(p, "COSMOS__credential");
      },
    },
    // Application Insights has local auth off: without the Entra setting the host's telemetry is dropped.
    {
      type: "azure-native:web:WebApp",
      change: (p) => {
        removeSetting(p, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING");
      },
    },
    {
      type: "azure-native:web:WebApp",
      change: (p) => {
        const auth = settingsOf(p).find((s) => s.name === "APPLICATIONINSIGHTS_AUTHENTICATION_STRING");
        if (auth) auth.value = "InstrumentationKey=00000000-0000-0000-0000-000000000000";
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

  it("accepts TLS stricter than 1.2: TLS 1.3 on storage and on the app", () => {
    const strict = (type: string, change: (props: Props) => void) => violationsOf(type, weakened(type, change));
    expect(strict("azure-native:storage:StorageAccount", (p) => (p.minimumTlsVersion = "TLS1_3"))).toEqual([]);
    expect(
      strict("azure-native:web:WebApp", (p) => Object.assign(siteConfigOf(p), { minTlsVersion: "1.3", scmMinTlsVersion: "1.3" })),
    ).toEqual([]);
  });

  it("applies the Flex table only to Flex Consumption sites, which alone carry functionAppConfig", () => {
    const classic = weakened("azure-native:web:WebApp", (p) => {
      delete p.functionAppConfig;
      siteConfigOf(p).alwaysOn = true;
    });
    expect(violationsOf("azure-native:web:WebApp", classic).filter((v) => v.rule === "flex-consumption-rejected-settings")).toEqual([]);
  });

  it("is what the policy pack enforces: every rule mandatory, refusing each entry of the Flex table", async () => {
    await import("../../policy/index.js");
    const [pack] = packs;
    expect(pack?.policies.map((p) => p.name)).toEqual(BASELINE_RULES.map((r) => r.name));
    for (const policy of pack?.policies ?? []) expect(policy.enforcementLevel, policy.name).toBe("mandatory");
    const flex = pack?.policies.find((p) => p.name === "flex-consumption-rejected-settings");
    const refusedBy = (props: Props) => {
      const messages: string[] = [];
      flex?.validateResource({ type: "azure-native:web:WebApp", props }, (message) => messages.push(message));
      return messages;
    };
    expect(refusedBy(run.one("azure-native:web:WebApp").inputs)).toEqual([]);
    const cases = WEAKENINGS["flex-consumption-rejected-settings"] ?? [];
    expect(cases.length).toBe(FLEX_REJECTED_SITE_PROPERTIES.length + FLEX_REJECTED_APP_SETTINGS.length + 1);
    for (const { type, change } of cases) expect(refusedBy(weakened(type, change)), change.toString()).toHaveLength(1);
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
