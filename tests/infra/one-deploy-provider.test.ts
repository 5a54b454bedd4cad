import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CodeDeploymentInputs, RunnerOverrides } from "../../infra/deployment/deploy-runner.js";
import { createOneDeployProvider } from "../../infra/deployment/code-deployment.js";

/**
 * A stand-in for the three things a deployment talks to: the SCM site's one-deploy API (publish
 * answers 202 with the deployment id as a JSON string and no Location, as Flex does), Azure
 * Resource Manager's list-functions, and the app's /api/health.
 */
type Poll = object | 404 | 503;
interface FakeSite {
  /** One entry per publish: an HTTP status to refuse it with, or the polls its deployment answers (the last repeats). */
  publishes: (number | Poll[])[];
  /** What /api/deployments/latest shows: a previous deployment, which must never be taken for the new one. */
  latest: object;
  /** Function lists ARM answers, one per call (the last repeats). */
  functionLists: string[][];
  healthStatuses: number[];
  received: { method: string; path: string; authorization?: string | undefined; bytes: number }[];
}
const site: FakeSite = { publishes: [], latest: {}, functionLists: [], healthStatuses: [], received: [] };
const deployments = new Map<string, Poll[]>();
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

function next<T>(queue: T[], fallback: T): T {
  return (queue.length > 1 ? queue.shift() : queue[0]) ?? fallback;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const url = new URL(request.url ?? "/", "http://fake");
      site.received.push({
        method: request.method ?? "",
        path: url.pathname,
        authorization: request.headers.authorization,
        bytes: body.length,
      });
      const json = (status: number, value: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(value));
      };
      if (request.method === "POST" && url.pathname === "/api/publish" && url.searchParams.get("RemoteBuild") === "false") {
        const plan = site.publishes.shift() ?? [{ status: 4 }];
        if (typeof plan === "number") {
          response.writeHead(plan, { "content-type": "text/plain" });
          response.end(plan === 403 ? "Forbidden: role assignment not effective yet" : "error");
          return;
        }
        const id = `dep-${deployments.size + 1}`;
        deployments.set(
          id,
          plan.map((p) => (typeof p === "object" ? { id, ...p } : p)),
        );
        json(202, id);
        return;
      }
      if (request.method === "GET" && url.pathname === "/api/deployments/latest") {
        json(200, site.latest);
        return;
      }
      const deployment = /^\/api\/deployments\/([^/]+)$/.exec(url.pathname);
      if (request.method === "GET" && deployment) {
        const polls = deployments.get(deployment[1] ?? "");
        const poll = polls === undefined ? 404 : next(polls, 404);
        if (typeof poll === "number") {
          response.writeHead(poll);
          response.end();
          return;
        }
        json(200, poll);
        return;
      }
      if (
        request.method === "GET" &&
        url.pathname.endsWith("/providers/Microsoft.Web/sites/app/functions") &&
        url.searchParams.get("api-version") === "2025-03-01"
      ) {
        json(200, { value: next(site.functionLists, []).map((f) => ({ name: `app/${f}`, type: "Microsoft.Web/sites/functions" })) });
        return;
      }
      if (request.method === "GET" && url.pathname === "/api/health") {
        const status = next(site.healthStatuses, 200);
        json(status, status === 200 ? { status: "ok" } : { status: "starting" });
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

// Pulumi runs a dynamic provider as CommonJS, with a require(); this ESM test process lends it one.
(globalThis as { require?: NodeJS.Require }).require ??= createRequire(import.meta.url);

const logs: string[] = [];
let credentialsMade = 0;
let tokensIssued = 0;
function countingCredential(): TokenCredential {
  credentialsMade++;
  return {
    getToken(): Promise<AccessToken> {
      tokensIssued++;
      return Promise.resolve({ token: "entra-token", expiresOnTimestamp: Date.now() + 3_600_000 });
    },
  };
}
/**
 * The deployment's clock. Sleeping moves it forward at once, and nothing else does: the windows
 * and timeouts below are counted in polls and pauses, never in how fast this machine answers
 * HTTP, so a loaded machine cannot run a window out early.
 */
let clock = 0;
const overrides: RunnerOverrides = {
  createCredential: countingCredential,
  now: () => clock,
  sleep: (ms) => {
    clock += ms;
    return Promise.resolve();
  },
  pollIntervalMs: 5,
  retryDelayMs: 5,
  propagationWindowMs: 300,
  timeoutMs: 400,
  verifyTimeoutMs: 300,
  verifyIntervalMs: 5,
  log: (m) => logs.push(m),
};
let provider = createOneDeployProvider({ ...overrides, armBaseUrl: "" });

beforeEach(() => {
  Object.assign(site, {
    publishes: [],
    latest: { id: "dep-previous", status: 4, status_text: "Succeeded", complete: true },
    functionLists: [["health", "projectViews", "placeOrder"]],
    healthStatuses: [200],
    received: [],
  });
  deployments.clear();
  clock = 0;
  logs.length = 0;
  credentialsMade = 0;
  tokensIssued = 0;
  provider = createOneDeployProvider({ ...overrides, armBaseUrl: base });
});

const APP_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app";
function zipInputs(content = "zip bytes"): CodeDeploymentInputs {
  const dir = mkdtempSync(join(tmpdir(), "es-deploy-"));
  const zipPath = join(dir, "functionapp.zip");
  writeFileSync(zipPath, content);
  return {
    appId: APP_ID,
    scmHostName: base,
    zipPath,
    zipSha256: createHash("sha256").update(content).digest("hex"),
    healthUrl: `${base}/api/health`,
    expectedFunctions: ["health", "projectViews"],
    propagationWindowMinutes: 30,
  };
}
const publishes = () => site.received.filter((r) => r.path === "/api/publish");
const pollsOf = (id: string) => site.received.filter((r) => r.path === `/api/deployments/${id}`).length;

describe("the one-deploy dynamic provider against a fake publish site", () => {
  it("uploads the zip with an Entra token, follows the deployment the 202 names, checks the app and reports it", async () => {
    site.publishes = [
      [
        { status: 1, status_text: "Building" },
        { status: 4, status_text: "Succeeded" },
      ],
    ];
    const inputs = zipInputs();
    const result = await provider.create(inputs);
    expect(result.outs).toMatchObject({
      deploymentId: "dep-1",
      zipSha256: inputs.zipSha256,
      uploadAttempts: 1,
      indexedFunctions: ["health", "projectViews", "placeOrder"],
    });
    expect(result.id).toBe(`${inputs.appId}/deployments/${inputs.zipSha256.slice(0, 16)}`);
    expect(publishes()).toEqual([{ method: "POST", path: "/api/publish", authorization: "Bearer entra-token", bytes: 9 }]);
    expect(pollsOf("dep-1")).toBe(2);
    expect(site.received.filter((r) => r.path === "/api/deployments/latest")).toHaveLength(0);
    expect(site.received.find((r) => r.path.endsWith("/functions"))?.authorization).toBe("Bearer entra-token");
    expect(site.received.some((r) => r.path === "/api/health")).toBe(true);
  });

  it("polls the deployment id the 202 returns, not /api/deployments/latest, which still shows the previous success", async () => {
    site.publishes = [[{ status: 3, status_text: "Worker failed to index functions", log_url: "https://scm/api/deployments/dep-1/log" }]];
    await expect(provider.create(zipInputs())).rejects.toThrow(
      /deployment dep-1 failed: Worker failed to index functions \(log: https:\/\/scm\/api\/deployments\/dep-1\/log\)/,
    );
    expect(pollsOf("dep-1")).toBe(1);
  });

  it("reuses one credential for the upload, every poll and the checks", async () => {
    site.publishes = [[{ status: 0 }, { status: 1 }, { status: 2 }, { status: 4 }]];
    site.functionLists = [[], ["health", "projectViews"]];
    await provider.create(zipInputs());
    expect(credentialsMade).toBe(1);
    expect(tokensIssued).toBeGreaterThanOrEqual(6);
  });

  it("retries 403s from the publish API while role assignments propagate, then deploys", async () => {
    site.publishes = [403, 403, [{ status: 4 }]];
    await expect(provider.create(zipInputs())).resolves.toMatchObject({ outs: { deploymentId: "dep-1", uploadAttempts: 3 } });
    expect(logs.some((l) => l.includes("role assignments still propagating"))).toBe(true);
  });

  it("publishes again when the deployment fails on an asynchronous storage 403, the app identity's grant still propagating", async () => {
    const storage403 = {
      status: 3,
      status_text:
        "Failed to upload blob package to storage account with Error: Response status code does not indicate success: 403 (This request is not authorized to perform this operation.).",
    };
    site.publishes = [[{ status: 1 }, storage403], [storage403], [{ status: 4 }]];
    const result = await provider.create(zipInputs());
    expect(result.outs).toMatchObject({ deploymentId: "dep-3", uploadAttempts: 3 });
    expect(publishes()).toHaveLength(3);
    expect(logs.some((l) => l.includes("failed on a storage 403"))).toBe(true);
  });

  it("gives up on storage 403s after the propagation window, naming the grant to check", async () => {
    site.publishes = Array.from({ length: 500 }, () => [{ status: 3, status_text: "Azure Storage responded with Forbidden: 403" }]);
    await expect(provider.create(zipInputs())).rejects.toThrow(
      /could not write the package to its storage \(403\).*Storage Blob Data Owner/,
    );
  });

  it("gives up on publish 403s after the propagation window with a message that says what to check", async () => {
    site.publishes = Array.from({ length: 1000 }, () => 403);
    await expect(provider.create(zipInputs())).rejects.toThrow(/failed with 403 .* needs Website Contributor/);
  });

  it("takes a 404 after the deployment was seen as the worker recycled, returns the last status, and still checks the app", async () => {
    site.publishes = [[{ status: 1, status_text: "Building" }, { status: 2, status_text: "Deploying" }, 404]];
    const result = await provider.create(zipInputs());
    expect(result.outs).toMatchObject({ deploymentId: "dep-1", indexedFunctions: ["health", "projectViews", "placeOrder"] });
    // It returns on the first 404, rather than polling on until the timeout.
    expect(pollsOf("dep-1")).toBe(3);
    expect(logs.some((l) => /404 after status 2.*recycled/.test(l))).toBe(true);
  });

  it("keeps polling a 404 before the deployment was ever seen (not visible yet)", async () => {
    site.publishes = [[404, 404, { status: 4 }]];
    await expect(provider.create(zipInputs())).resolves.toMatchObject({ outs: { deploymentId: "dep-1" } });
    expect(pollsOf("dep-1")).toBe(3);
  });

  it("fails a cancelled deployment (-1) and a partial success (6) with their reasons", async () => {
    site.publishes = [[{ status: -1, status_text: "Cancelled by a newer deployment" }]];
    await expect(provider.create(zipInputs())).rejects.toThrow(/dep-1 was cancelled: Cancelled by a newer deployment/);
    site.publishes = [[{ status: 6, status_text: "Trigger sync failed" }]];
    await expect(provider.create(zipInputs())).rejects.toThrow(/dep-2 only partly succeeded: Trigger sync failed/);
  });

  it("publishes again after a conflict (5) with a deployment in progress, and bounds it", async () => {
    site.publishes = [[{ status: 5, status_text: "Another deployment is in progress" }], [{ status: 4 }]];
    await expect(provider.create(zipInputs())).resolves.toMatchObject({ outs: { deploymentId: "dep-2", uploadAttempts: 2 } });
    site.publishes = Array.from({ length: 10 }, () => [{ status: 5, status_text: "Another deployment is in progress" }]);
    await expect(provider.create(zipInputs())).rejects.toThrow(/conflicted with another deployment 5 times/);
  });

  it("times out when the deployment never finishes", async () => {
    site.publishes = [[{ status: 1, status_text: "Building" }]];
    await expect(provider.create(zipInputs())).rejects.toThrow(/did not finish within 0 s; last status 1 Building/);
  });

  it("waits for the host to index the functions and for /api/health, then fails if they never come", async () => {
    site.publishes = [[{ status: 4 }]];
    site.functionLists = [[], ["health"], ["health", "projectViews"]];
    site.healthStatuses = [503, 503, 200];
    await expect(provider.create(zipInputs())).resolves.toMatchObject({ outs: { indexedFunctions: ["health", "projectViews"] } });
    expect(site.received.filter((r) => r.path === "/api/health")).toHaveLength(3);

    site.publishes = [[{ status: 4 }]];
    site.functionLists = [["health"]];
    await expect(provider.create(zipInputs())).rejects.toThrow(
      /not serving after 0 s: the host has not indexed projectViews \(listed: health\)/,
    );

    site.publishes = [[{ status: 4 }]];
    site.functionLists = [["health", "projectViews"]];
    site.healthStatuses = [500];
    await expect(provider.create(zipInputs())).rejects.toThrow(/not serving after 0 s: .*\/api\/health answered 500/);
  });

  it("does not redeploy an unchanged hash, and redeploys a changed one", async () => {
    const olds = {
      ...zipInputs("v1"),
      deploymentId: "dep-0",
      deployedAt: "2026-11-27T00:00:00.000Z",
      durationMs: 1,
      uploadAttempts: 1,
      indexedFunctions: [],
    };
    expect(await provider.diff?.("id", olds, zipInputs("v1"))).toMatchObject({ changes: false });
    const news = zipInputs("v2");
    expect(await provider.diff?.("id", olds, news)).toMatchObject({ changes: true, replaces: [] });
    site.publishes = [[{ status: 4 }]];
    const updated = await provider.update?.("id", olds, news);
    expect(updated?.outs).toMatchObject({ zipSha256: news.zipSha256, deploymentId: "dep-1" });
    expect(publishes()).toHaveLength(1);
  });

  it("refuses a zip that changed after it was hashed", async () => {
    const inputs = zipInputs("built");
    writeFileSync(inputs.zipPath, "tampered");
    await expect(provider.create(inputs)).rejects.toThrow(/changed after the build/);
    expect(publishes()).toHaveLength(0);
  });
});
