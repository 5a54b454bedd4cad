import * as pulumi from "@pulumi/pulumi";
import * as inputs from "@pulumi/azure-native/types/input.js";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type * as BuildFunctions from "../../scripts/build-functions.js";
import type { ProgramRun } from "./program-under-mocks.js";
import type { AppDependencies } from "../../functions/src/handlers/dependencies.js";
import { createRoutes } from "../../functions/src/handlers/routes.js";
import { FLEX_REJECTED_APP_SETTINGS, FLEX_REJECTED_SITE_PROPERTIES, flexRejectionsIn } from "../../policy/flex-consumption-rules.js";
import { runProgram, SUBSCRIPTION, valueOf } from "./program-under-mocks.js";
import { stableGuid } from "../../infra/components/stable-guid.js";

// The program builds the functions bundle; here it builds into a temporary folder, never the repository's dist/.
const BUILD_DIR = mkdtempSync(join(tmpdir(), "es-infra-dev-"));
vi.mock("../../scripts/build-functions.js", async (importOriginal) => {
  const original = await importOriginal<typeof BuildFunctions>();
  return { ...original, buildFunctions: () => original.buildFunctions(BUILD_DIR) };
});

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("dev");
}, 120_000);
afterAll(() => {
  rmSync(BUILD_DIR, { recursive: true, force: true });
});

const REQUIRED_TAGS = ["project", "environment", "owner", "managed-by"];
const ruleOf = (query: string) =>
  run.ofType("azure-native:monitor:ScheduledQueryRule").find((r) => String(r.inputs.criteria.allOf[0].query).includes(query));

describe("the dev stack under mocks", () => {
  it("puts everything in one resource group and tags every taggable resource", () => {
    const group = run.one("azure-native:resources:ResourceGroup");
    expect(group.inputs.location).toBe("westeurope");
    const taggable = run.resources.filter((r) => r.type.startsWith("azure-native:") && r.inputs.tags !== undefined);
    expect(taggable.length).toBeGreaterThanOrEqual(15);
    for (const r of taggable) expect(Object.keys(r.inputs.tags).sort(), r.name).toEqual([...REQUIRED_TAGS].sort());
    expect(group.inputs.tags).toMatchObject({ project: "eventsourcing-azure", environment: "dev", "managed-by": "pulumi" });
  });

  it("secures the Cosmos account: no local auth, TLS 1.2, no key-based metadata writes, continuous backup, serverless", () => {
    const account = run.one("azure-native:cosmosdb:DatabaseAccount");
    expect(account.inputs).toMatchObject({
      disableLocalAuth: true,
      disableKeyBasedMetadataWriteAccess: true,
      minimalTlsVersion: "Tls12",
      capabilities: [{ name: "EnableServerless" }],
      backupPolicy: { type: "Continuous", continuousModeProperties: { tier: "Continuous7Days" } },
      locations: [{ locationName: "westeurope", failoverPriority: 0, isZoneRedundant: false }],
    });
    expect(run.one("azure-native:cosmosdb:SqlResourceSqlDatabase").inputs.options).toBeUndefined();
  });

  it("creates the containers with their partition keys and the lean indexing of ADR 6", () => {
    const containers = new Map(
      run.ofType("azure-native:cosmosdb:SqlResourceSqlContainer").map((c) => [c.inputs.containerName as string, c.inputs.resource]),
    );
    expect([...containers.keys()].sort()).toEqual(["deadletters", "events", "leases", "views-g1"]);
    expect(containers.get("events")).toMatchObject({
      partitionKey: { paths: ["/streamId"], kind: "Hash" },
      indexingPolicy: { includedPaths: [{ path: "/version/?" }, { path: "/eventId/?" }], excludedPaths: [{ path: "/*" }] },
      uniqueKeyPolicy: { uniqueKeys: [{ paths: ["/eventId"] }] },
    });
    expect(containers.get("leases")).toMatchObject({ partitionKey: { paths: ["/id"] } });
    expect(containers.get("views-g1")).toMatchObject({
      partitionKey: { paths: ["/groupKey"] },
      indexingPolicy: {
        includedPaths: [{ path: "/kind/?" }, { path: "/rank/?" }, { path: "/sort/?" }, { path: "/groupKey/?" }],
        compositeIndexes: [
          [
            { path: "/kind", order: "ascending" },
            { path: "/rank", order: "descending" },
            { path: "/groupKey", order: "ascending" },
          ],
        ],
      },
    });
    expect(containers.get("deadletters")).toMatchObject({ partitionKey: { paths: ["/streamId"] } });
  });

  it("disables shared-key access on storage and keeps the deployment container private", () => {
    expect(run.one("azure-native:storage:StorageAccount").inputs).toMatchObject({
      allowSharedKeyAccess: false,
      allowBlobPublicAccess: false,
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
    });
    expect(run.one("azure-native:storage:BlobContainer").inputs).toMatchObject({ containerName: "app-package", publicAccess: "None" });
  });

  it("runs a Flex Consumption (FC1) Linux app on Node 22 with a user-assigned identity, HTTPS only, TLS 1.2, no basic publishing credentials", () => {
    expect(run.one("azure-native:web:AppServicePlan").inputs).toMatchObject({
      sku: { name: "FC1", tier: "FlexConsumption" },
      reserved: true,
    });
    const identity = run.one("azure-native:managedidentity:UserAssignedIdentity");
    const storage = run.one("azure-native:storage:StorageAccount");
    const app = run.one("azure-native:web:WebApp");
    expect(app.inputs).toMatchObject({
      kind: "functionapp,linux",
      httpsOnly: true,
      identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
      functionAppConfig: {
        runtime: { name: "node", version: "22" },
        deployment: {
          storage: {
            type: "blobContainer",
            value: `https://${storage.inputs.accountName ?? storage.name}.blob.core.windows.net/app-package`,
            authentication: { type: "UserAssignedIdentity", userAssignedIdentityResourceId: identity.id },
          },
        },
        scaleAndConcurrency: { instanceMemoryMB: 2048, maximumInstanceCount: 40 },
      },
      siteConfig: { minTlsVersion: "1.2", scmMinTlsVersion: "1.2" },
    });
    expect(app.inputs.functionAppConfig.scaleAndConcurrency.alwaysReady).toBeUndefined();
    expect(run.one("azure-native:web:WebAppFtpAllowed").inputs.allow).toBe(false);
    expect(run.one("azure-native:web:WebAppScmAllowed").inputs.allow).toBe(false);
  });

  it("registers no site property Flex rejects, not even those @pulumi/azure-native adds by default", () => {
    // Why the app needs its transform: the SDK adds netFrameworkVersion to any siteConfig.
    expect(inputs.web.siteConfigArgsProvideDefaults({}).netFrameworkVersion).toBe("v4.6");
    const siteConfig = run.one("azure-native:web:WebApp").inputs.siteConfig as Record<string, unknown>;
    expect(siteConfig).not.toHaveProperty("ftpsState");
    expect(siteConfig).not.toHaveProperty("netFrameworkVersion");
    for (const { name } of FLEX_REJECTED_SITE_PROPERTIES) expect(siteConfig, name).not.toHaveProperty(name);
    expect(flexRejectionsIn(run.one("azure-native:web:WebApp").inputs)).toEqual([]);
  });

  it("configures the app with identity-based settings only: no keys, no connection strings, nothing deprecated on Flex", () => {
    const settings = run.one("azure-native:web:WebApp").inputs.siteConfig.appSettings as { name: string; value: string }[];
    const byName = Object.fromEntries(settings.map((s) => [s.name, s.value]));
    const identity = run.one("azure-native:managedidentity:UserAssignedIdentity");
    expect(byName).toMatchObject({
      AzureWebJobsStorage__credential: "managedidentity",
      AzureWebJobsStorage__clientId: `client-of-${identity.name}`,
      COSMOS__credential: "managedidentity",
      COSMOS__clientId: `client-of-${identity.name}`,
      COSMOS_DATABASE: "eventstore",
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `Authorization=AAD;ClientId=client-of-${identity.name}`,
    });
    expect(byName.COSMOS__accountEndpoint).toMatch(/^https:\/\/.+\.documents\.azure\.com:443\/$/);
    expect(byName.AzureWebJobsStorage__accountName).toBeTruthy();
    const rejected = FLEX_REJECTED_APP_SETTINGS.map((r) => r.name.toLowerCase());
    for (const { name, value } of settings) {
      expect(rejected, name).not.toContain(name.toLowerCase());
      expect(name, name).not.toBe("AzureWebJobsStorage");
      expect(value, name).not.toMatch(/AccountKey=|SharedAccessSignature=|sig=|password/i);
    }
  });

  it("grants the identity exactly its three roles, each at the narrowest scope", () => {
    const identity = run.one("azure-native:managedidentity:UserAssignedIdentity");
    const principalId = `principal-of-${identity.name}`;
    const assignments = run.ofType("azure-native:authorization:RoleAssignment");
    const byRole = Object.fromEntries(assignments.map((a) => [String(a.inputs.roleDefinitionId).split("/").at(-1), a.inputs]));
    expect(byRole["b7e6dc6d-f1e8-4753-8033-0f276bb0955b"]).toMatchObject({
      scope: run.one("azure-native:storage:StorageAccount").id,
      principalId,
      principalType: "ServicePrincipal",
    });
    expect(byRole["3913510d-42f4-4e42-8a64-420c390055eb"]).toMatchObject({
      scope: run.one("azure-native:applicationinsights:Component").id,
      principalId,
    });
    for (const a of assignments)
      expect(a.inputs.roleDefinitionId).toMatch(
        new RegExp(`^/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/`),
      );
    expect(assignments).toHaveLength(2);
    const account = run.one("azure-native:cosmosdb:DatabaseAccount");
    const cosmosAssignment = run.one("azure-native:cosmosdb:SqlResourceSqlRoleAssignment").inputs;
    expect(cosmosAssignment).toMatchObject({
      principalId,
      scope: account.id,
      roleDefinitionId: `${account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002`,
    });
    // Azure names the assignment by GUID; the stack asks for the same one at every update.
    expect(cosmosAssignment.roleAssignmentId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(cosmosAssignment.roleAssignmentId).toBe(stableGuid("eventsourcing-azure/dev/cosmos-data-contributor"));
  });

  it("sends telemetry to a workspace-based Application Insights with local auth off, and Cosmos diagnostics to the workspace", () => {
    const workspace = run.one("azure-native:operationalinsights:Workspace");
    expect(workspace.inputs.retentionInDays).toBe(30);
    expect(run.one("azure-native:applicationinsights:Component").inputs).toMatchObject({
      disableLocalAuth: true,
      ingestionMode: "LogAnalytics",
      workspaceResourceId: workspace.id,
    });
    expect(run.one("azure-native:monitor:DiagnosticSetting").inputs).toMatchObject({
      resourceUri: run.one("azure-native:cosmosdb:DatabaseAccount").id,
      workspaceId: workspace.id,
    });
  });

  it("alerts on function failures, a stalled projector, Cosmos throttling, projection lag and dead letters, all to the action group", () => {
    const group = run.one("azure-native:monitor:ActionGroup");
    const rules = run.ofType("azure-native:monitor:ScheduledQueryRule");
    expect(rules).toHaveLength(5);
    for (const r of rules) {
      expect(r.inputs.actions.actionGroups).toEqual([group.id]);
      const criterion = r.inputs.criteria.allOf[0];
      // Count counts the rows of the result, and every query here summarizes to one row.
      expect(criterion.timeAggregation, r.name).not.toBe("Count");
      expect(criterion.query, r.name).toContain(`${criterion.metricMeasureColumn} =`);
    }
    expect(ruleOf("success == false")?.inputs.criteria.allOf[0]).toMatchObject({
      timeAggregation: "Total",
      metricMeasureColumn: "failures",
      operator: "GreaterThan",
      threshold: 5,
    });
    expect(ruleOf("ProjectionLagMs")?.inputs.criteria.allOf[0]).toMatchObject({
      query: expect.stringMatching(/^customMetrics \| where name == "ProjectionLagMs"/),
      timeAggregation: "Maximum",
      threshold: 60_000,
    });
    expect(ruleOf("deadLettered=")?.inputs.criteria.allOf[0]).toMatchObject({
      timeAggregation: "Total",
      metricMeasureColumn: "deadLettered",
      threshold: 0,
    });
    const stalled = ruleOf("stalled =");
    expect(stalled?.inputs).toMatchObject({ windowSize: "PT15M", scopes: [run.one("azure-native:applicationinsights:Component").id] });
    expect(stalled?.inputs.criteria.allOf[0]).toMatchObject({
      query: expect.stringContaining('"projectViews"'),
      timeAggregation: "Maximum",
      metricMeasureColumn: "stalled",
      threshold: 0,
    });
    const throttling = ruleOf("CDBDataPlaneRequests");
    expect(throttling?.inputs).toMatchObject({ windowSize: "PT15M", scopes: [run.one("azure-native:operationalinsights:Workspace").id] });
    // Its table exists only once Cosmos DB's diagnostics flow; the others' tables always do, and keep their validation.
    expect(throttling?.inputs.skipQueryValidation).toBe(true);
    for (const rule of run.ofType("azure-native:monitor:ScheduledQueryRule").filter((r) => r !== throttling))
      expect(rule.inputs.skipQueryValidation, rule.name).toBeUndefined();
    expect(throttling?.inputs.criteria.allOf[0]).toMatchObject({
      query: expect.stringContaining('"429"'),
      metricMeasureColumn: "throttledPercent",
      threshold: 5,
    });
    // No alert on any single 429: a few percent is Cosmos DB using the throughput it was given.
    expect(run.ofType("azure-native:monitor:MetricAlert")).toEqual([]);
  });

  it("counts as appends exactly the routes that write, so the stall alert and the workbook miss none", async () => {
    // Imported here, after the program: @pulumi/azure-native reads the stack config when first loaded.
    const { APPEND_FUNCTIONS } = await import("../../infra/components/alerting.js");
    const writing = createRoutes({} as AppDependencies)
      .filter((r) => r.methods.some((m) => m !== "GET"))
      .map((r) => r.name);
    expect([...APPEND_FUNCTIONS].sort()).toEqual(writing.sort());
  });

  it("publishes a workbook with appends per minute, projection lag and RU consumption", () => {
    const workbook = run.one("azure-native:applicationinsights:Workbook");
    expect(workbook.inputs.resourceName).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const titles = (JSON.parse(workbook.inputs.serializedData).items as { content: { title?: string } }[])
      .map((i) => i.content.title)
      .filter(Boolean);
    expect(titles).toEqual(["Appends per minute", "Projection lag (ms)", "Request units per minute"]);
    const lag = (JSON.parse(workbook.inputs.serializedData).items as { content: { title?: string; query?: string } }[]).find(
      (i) => i.content.title === "Projection lag (ms)",
    );
    expect(lag?.content.query).toMatch(/^customMetrics \| where name == "ProjectionLagMs"/);
  });

  it("leaves the data unprotected, so that `pulumi destroy` removes a dev or workshop stack", () => {
    const protectedOnes = run.resources.filter((r) => r.protect || r.retainOnDelete).map((r) => r.name);
    expect(protectedOnes).toEqual([]);
    expect(run.one("azure-native:cosmosdb:DatabaseAccount").protect).toBe(false);
  });

  it("deploys the zip it built, keyed on the sha256 of that zip's bytes, built outside the repository", () => {
    const deployment = run.resources.find((r) => r.name.endsWith("-one-deploy"));
    const zipPath = String(deployment?.inputs.zipPath);
    expect(relative(BUILD_DIR, zipPath).startsWith("..")).toBe(false);
    const bytes = readFileSync(zipPath);
    expect(bytes.subarray(0, 4).toString("hex")).toBe("504b0304"); // a zip's local file header
    expect(deployment?.inputs).toMatchObject({
      zipSha256: createHash("sha256").update(bytes).digest("hex"),
      scmHostName: expect.stringContaining(".scm."),
    });
  });

  it("exports the API URL, the function key as a secret, the Cosmos endpoint, the group and the workbook link", async () => {
    const output = (name: string) => {
      const value = run.outputs[name];
      if (!value) throw new Error(`no output ${name}`);
      return value as pulumi.Output<string>;
    };
    expect(await valueOf(output("apiBaseUrl"))).toMatch(/^https:\/\/.+\.azurewebsites\.net\/api$/);
    expect(await valueOf(output("functionKey"))).toBe("the-function-key");
    expect(await pulumi.isSecret(output("functionKey"))).toBe(true);
    expect(await pulumi.isSecret(output("apiBaseUrl"))).toBe(false);
    expect(await valueOf(output("cosmosEndpoint"))).toMatch(/documents\.azure\.com/);
    expect(await valueOf(output("resourceGroup"))).toMatch(/^es-dev-rg/);
    expect(await valueOf(output("workbookUrl"))).toMatch(/^https:\/\/portal\.azure\.com\/#resource\/subscriptions\/.+\/workbook$/);
  });
});
