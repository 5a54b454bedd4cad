import type * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ProgramRun } from "./program-under-mocks.js";
import { runProgram, valueOf } from "./program-under-mocks.js";

// The program's modules are loaded only after the mocks and the stack config are in place.
const deploymentConfig = () => import("../../infra/deployment/deployment-config.js");
const hostKeys = () => import("../../infra/deployment/host-keys.js");

let run: ProgramRun;
beforeAll(async () => {
  // The host keys listing fails twice, as it does while the host cannot reach its secrets yet.
  run = await runProgram("dev", {}, { hostKeysFailures: 2 });
}, 60_000);

const output = (name: string) => {
  const value = run.outputs[name];
  if (!value) throw new Error(`no output ${name}`);
  return value as pulumi.Output<string>;
};

describe("the deployment wiring of the dev stack under mocks", () => {
  it("lists the host keys only after the code deployment and every role grant exist", () => {
    const listings = run.invokes.filter((i) => i.token === "azure-native:web:listWebAppHostKeys");
    expect(listings.length).toBeGreaterThan(0);
    const grants = run.resources
      .filter(
        (r) => r.type === "azure-native:authorization:RoleAssignment" || r.type === "azure-native:cosmosdb:SqlResourceSqlRoleAssignment",
      )
      .map((r) => r.name);
    expect(grants).toHaveLength(3);
    const deployment = run.resources.find((r) => r.name.endsWith("-one-deploy"));
    expect(deployment).toBeDefined();
    for (const listing of listings) {
      expect(listing.createdBefore).toContain(deployment?.name);
      for (const grant of grants) expect(listing.createdBefore).toContain(grant);
    }
  });

  it("retries the transient host-runtime failure and exports the key as a secret", async () => {
    expect(run.invokes.filter((i) => i.token === "azure-native:web:listWebAppHostKeys")).toHaveLength(3);
    expect(await valueOf(output("functionKey"))).toBe("the-function-key");
  });

  it("gives the deployment what it verifies and the 30-minute propagation window", async () => {
    const deployment = run.resources.find((r) => r.name.endsWith("-one-deploy"));
    const app = run.one("azure-native:web:WebApp");
    expect(deployment?.inputs).toMatchObject({
      healthUrl: `https://${String(app.inputs.name ?? app.name)}.azurewebsites.net/api/health`,
      expectedFunctions: ["health", "projectViews"],
      propagationWindowMinutes: 30,
    });
    // The provider is serialized into the state: a capture that cannot serialize fails here.
    expect(typeof deployment?.inputs.__provider).toBe("string");
    expect(String(deployment?.inputs.__provider)).toContain("deploy-runner.ts");
    expect(await valueOf(output("apiBaseUrl"))).toMatch(/^https:\/\/.+\/api$/);
  });

  it("prints the exact smoke command for the stack", async () => {
    expect(await valueOf(output("smokeCommand"))).toBe("npm run smoke -- --stack dev");
  });
});

describe("the deployment settings", () => {
  const config = (value: string | undefined) => ({ get: () => value }) as unknown as pulumi.Config;
  it("defaults the propagation window to 30 minutes and takes 1 to 120", async () => {
    const { readDeploymentConfig } = await deploymentConfig();
    expect(readDeploymentConfig(config(undefined), "p")).toEqual({ propagationWindowMinutes: 30 });
    expect(readDeploymentConfig(config("45"), "p")).toEqual({ propagationWindowMinutes: 45 });
    expect(() => readDeploymentConfig(config("0"), "p")).toThrow(
      /p:deployPropagationMinutes must be a whole number from 1 to 120; got '0'/,
    );
    expect(() => readDeploymentConfig(config("ten"), "p")).toThrow(/deployPropagationMinutes/);
  });
});

describe("reading the host keys", () => {
  const sleeps: number[] = [];
  const options = { sleep: (ms: number) => Promise.resolve(void sleeps.push(ms)), log: () => undefined };

  it("knows the transient failures from the permanent ones", async () => {
    const { isTransientHostKeysError } = await hostKeys();
    expect(
      isTransientHostKeysError(new Error('Code="BadRequest" Message="Encountered an error (InternalServerError) from host runtime."')),
    ).toBe(true);
    expect(isTransientHostKeysError(new Error("Status=503 ServiceUnavailable"))).toBe(true);
    expect(isTransientHostKeysError(new Error("Status=403 AuthorizationFailed: the client does not have authorization"))).toBe(false);
  });

  it("backs off exponentially, gives up after the bound, and never retries a permanent failure", async () => {
    const { retryTransient } = await hostKeys();
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error("Encountered an error (InternalServerError) from host runtime."));
    };
    await expect(retryTransient("listing", failing, { ...options, attempts: 4, firstDelayMs: 1000, maxDelayMs: 3000 })).rejects.toThrow(
      /host runtime/,
    );
    expect(calls).toBe(4);
    expect(sleeps).toEqual([1000, 2000, 3000]);
    calls = 0;
    await expect(retryTransient("listing", () => (calls++, Promise.reject(new Error("AuthorizationFailed"))), options)).rejects.toThrow(
      /AuthorizationFailed/,
    );
    expect(calls).toBe(1);
  });
});

describe("the serialized one-deploy provider, loaded as Pulumi's dynamic provider host loads it", () => {
  it("evaluates in a plain CommonJS process, diffs on the hash, and reaches the runner through tsx", () => {
    const deployment = run.resources.find((r) => r.name.endsWith("-one-deploy"));
    const dir = mkdtempSync(join(tmpdir(), "es-provider-host-"));
    writeFileSync(join(dir, "provider.js"), String(deployment?.inputs.__provider));
    writeFileSync(join(dir, "functionapp.zip"), "the zip");
    // What @pulumi/pulumi/cmd/dynamic-provider does: requireFromString(__provider).handler().
    const host = `
      const requireFromString = require(require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi")] }));
      const provider = requireFromString(require("node:fs").readFileSync(${JSON.stringify(join(dir, "provider.js"))}, "utf8")).handler();
      const inputs = { appId: "/subscriptions/s/app", scmHostName: "https://127.0.0.1:9", zipPath: ${JSON.stringify(join(dir, "functionapp.zip"))}, zipSha256: "0".repeat(64), healthUrl: "https://127.0.0.1:9/api/health", expectedFunctions: ["health"], propagationWindowMinutes: 1 };
      (async () => {
        const same = await provider.diff("id", inputs, inputs);
        const changed = await provider.diff("id", inputs, { ...inputs, zipSha256: "1".repeat(64) });
        console.log("diff", same.changes, changed.changes);
        await provider.create(inputs).catch((e) => console.log("create:", e.message));
      })();`;
    const result = spawnSync(process.execPath, ["-e", host], {
      cwd: join(import.meta.dirname, "../.."),
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("diff false true");
    // The runner loaded and ran: it refuses a zip whose hash is not the one given, before any network call.
    expect(result.stdout).toMatch(/create: .*functionapp\.zip changed after the build/);
  }, 60_000);
});
