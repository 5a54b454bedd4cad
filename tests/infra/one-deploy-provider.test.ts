import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CodeDeploymentInputs } from "../../infra/deployment/deploy-runner.js";
import { createOneDeployProvider } from "../../infra/deployment/code-deployment.js";

/** A stand-in for the SCM site's one-deploy API. */
interface FakeScm {
  publishStatuses: number[];
  deploymentBodies: object[];
  publishes: { authorization?: string | undefined; contentType?: string | undefined; bytes: number }[];
  polls: number;
}
const scm: FakeScm = { publishStatuses: [], deploymentBodies: [], publishes: [], polls: 0 };
let server: Server;
let base: string;

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      resolve(Buffer.concat(chunks));
    });
  });
}

beforeAll(async () => {
  server = createServer((request, response) => {
    void (async () => {
      if (request.method === "POST" && request.url?.startsWith("/api/publish?RemoteBuild=false")) {
        const body = await readBody(request);
        scm.publishes.push({ authorization: request.headers.authorization, contentType: request.headers["content-type"], bytes: body.length });
        const status = scm.publishStatuses.shift() ?? 202;
        if (status === 202) response.writeHead(202, { location: "/api/deployments/dep-1" });
        else response.writeHead(status, { "content-type": "text/plain" });
        response.end(status === 202 ? "" : status === 403 ? "Forbidden: role assignment not effective yet" : "error");
        return;
      }
      if (request.method === "GET" && request.url === "/api/deployments/dep-1") {
        scm.polls++;
        const body = scm.deploymentBodies.length > 1 ? scm.deploymentBodies.shift() : scm.deploymentBodies[0];
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(body ?? { id: "dep-1", status: 1 }));
        return;
      }
      response.writeHead(404);
      response.end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});
beforeEach(() => {
  Object.assign(scm, { publishStatuses: [], deploymentBodies: [], publishes: [], polls: 0 });
});

// Pulumi runs a dynamic provider as CommonJS, with a require(); this ESM test process lends it one.
(globalThis as { require?: NodeJS.Require }).require ??= createRequire(import.meta.url);

const logs: string[] = [];
const provider = createOneDeployProvider({
  getToken: () => Promise.resolve("entra-token"),
  pollIntervalMs: 5,
  retryDelayMs: 5,
  forbiddenRetryMs: 300,
  timeoutMs: 400,
  log: (m) => logs.push(m),
});

function zipInputs(content = "zip bytes"): CodeDeploymentInputs {
  const dir = mkdtempSync(join(tmpdir(), "es-deploy-"));
  const zipPath = join(dir, "functionapp.zip");
  writeFileSync(zipPath, content);
  return { appId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app", scmHostName: base, zipPath, zipSha256: createHash("sha256").update(content).digest("hex") };
}

describe("the one-deploy dynamic provider against a fake SCM site", () => {
  it("uploads the zip with an Entra token, follows the deployment and reports it", async () => {
    scm.deploymentBodies = [{ id: "dep-1", status: 1, status_text: "Building" }, { id: "dep-1", status: 4, status_text: "Succeeded" }];
    const inputs = zipInputs();
    const result = await provider.create(inputs);
    expect(result.outs).toMatchObject({ deploymentId: "dep-1", zipSha256: inputs.zipSha256 });
    expect(result.id).toBe(`${inputs.appId}/deployments/${inputs.zipSha256.slice(0, 16)}`);
    expect(scm.publishes).toEqual([{ authorization: "Bearer entra-token", contentType: "application/zip", bytes: 9 }]);
    expect(scm.polls).toBe(2);
  });

  it("fails with the deployment's reason when its status is failed", async () => {
    scm.deploymentBodies = [{ id: "dep-1", status: 3, status_text: "Worker failed to index functions", log_url: "https://scm/api/deployments/dep-1/log" }];
    await expect(provider.create(zipInputs())).rejects.toThrow(/deployment dep-1 failed: Worker failed to index functions \(log: https:\/\/scm\/api\/deployments\/dep-1\/log\)/);
  });

  it("retries 403s while role assignments propagate, then deploys", async () => {
    scm.publishStatuses = [403, 403];
    scm.deploymentBodies = [{ id: "dep-1", status: 4 }];
    await expect(provider.create(zipInputs())).resolves.toMatchObject({ outs: { deploymentId: "dep-1" } });
    expect(scm.publishes).toHaveLength(3);
    expect(logs.some((l) => l.includes("role assignments still propagating"))).toBe(true);
  });

  it("gives up on 403 after the propagation window with a message that says what to check", async () => {
    scm.publishStatuses = Array.from({ length: 1000 }, () => 403);
    await expect(provider.create(zipInputs())).rejects.toThrow(/failed with 403 .* needs Website Contributor/);
  });

  it("times out when the deployment never finishes", async () => {
    scm.deploymentBodies = [{ id: "dep-1", status: 1, status_text: "Building" }];
    await expect(provider.create(zipInputs())).rejects.toThrow(/did not finish within 0 s; last status 1 Building/);
  });

  it("does not redeploy an unchanged hash, and redeploys a changed one", async () => {
    const olds = { ...zipInputs("v1"), deploymentId: "dep-0", deployedAt: "2026-11-27T00:00:00.000Z", durationMs: 1 };
    expect(await provider.diff?.("id", olds, zipInputs("v1"))).toMatchObject({ changes: false });
    const news = zipInputs("v2");
    expect(await provider.diff?.("id", olds, news)).toMatchObject({ changes: true, replaces: [] });
    scm.deploymentBodies = [{ id: "dep-1", status: 4 }];
    const updated = await provider.update?.("id", olds, news);
    expect(updated?.outs).toMatchObject({ zipSha256: news.zipSha256, deploymentId: "dep-1" });
    expect(scm.publishes).toHaveLength(1);
  });

  it("refuses a zip that changed after it was hashed", async () => {
    const inputs = zipInputs("built");
    writeFileSync(inputs.zipPath, "tampered");
    await expect(provider.create(inputs)).rejects.toThrow(/changed after the build/);
    expect(scm.publishes).toHaveLength(0);
  });
});
