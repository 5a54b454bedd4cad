import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerFixture } from "../support/local-server-process.js";
import { serverFixture } from "../support/local-server-process.js";

const ROOT = resolve(import.meta.dirname, "../..");

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `npm run smoke`'s entry point as a user would, in its own process. */
function smoke(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/smoke.ts", ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((done) =>
    child.once("exit", (code) => {
      done({ code, stdout, stderr });
    }),
  );
}

/**
 * A proxy in front of the real local server that records the function key it is sent, and can
 * break one answer: `breakBadRequest` answers the smoke's bad request with plain text instead of
 * a problem document, `healthStatus` replaces the health answer.
 */
const proxy = { keys: [] as (string | undefined)[], breakBadRequest: false, healthStatus: undefined as number | undefined };
let proxyServer: Server;
let proxyUrl: string;
let fixture: ServerFixture;
let localUrl: string;

beforeAll(async () => {
  fixture = serverFixture("es-smoke-");
  localUrl = (await fixture.start()).baseUrl;
  proxyServer = createServer((request, response) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      proxy.keys.push(request.headers["x-functions-key"] as string | undefined);
      if (request.url === "/api/health" && proxy.healthStatus !== undefined) {
        response.writeHead(proxy.healthStatus, { "content-type": "text/plain" });
        response.end("host starting");
        return;
      }
      if (proxy.breakBadRequest && request.method === "POST" && body.toString().includes("not a number")) {
        response.writeHead(400, { "content-type": "text/plain" });
        response.end("bad");
        return;
      }
      const upstream = await fetch(`${localUrl}${request.url ?? "/"}`, {
        method: request.method ?? "GET",
        headers: Object.fromEntries(
          Object.entries(request.headers).filter(
            ([k, v]) => typeof v === "string" && !["host", "connection", "content-length"].includes(k),
          ),
        ) as Record<string, string>,
        ...(body.length > 0 ? { body } : {}),
      });
      const headers: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (k !== "content-length" && k !== "transfer-encoding" && k !== "connection") headers[k] = v;
      });
      // What Cosmos DB adds to every answer; the smoke must report it.
      headers["x-request-charge"] = "2.5";
      response.writeHead(upstream.status, headers);
      response.end(Buffer.from(await upstream.arrayBuffer()));
    })();
  });
  await new Promise<void>((done) => proxyServer.listen(0, "127.0.0.1", done));
  proxyUrl = `http://127.0.0.1:${(proxyServer.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  proxyServer.close();
  await fixture.dispose();
});

/** A stand-in `pulumi` on PATH: records its arguments and prints the given stack outputs (or fails). */
function standInPulumi(outputs: object | { fail: string }): { env: NodeJS.ProcessEnv; args: () => string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "es-fake-pulumi-"));
  const argsFile = join(dir, "args");
  const script =
    "fail" in outputs
      ? `#!/bin/sh\necho "$@" > '${argsFile}'\necho '${outputs.fail}' >&2\nexit 255\n`
      : `#!/bin/sh\necho "$@" > '${argsFile}'\ncat <<'JSON'\n${JSON.stringify(outputs, null, 2)}\nJSON\n`;
  writeFileSync(join(dir, "pulumi"), script);
  chmodSync(join(dir, "pulumi"), 0o755);
  return {
    env: { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH ?? ""}` },
    args: () => readFileSync(argsFile, "utf8").trim(),
    dispose: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe("npm run smoke", () => {
  it("passes against the real local server, showing each step, the views' catch-up time and the problem documents", async () => {
    const run = await smoke(["--base-url", localUrl]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    for (const step of [
      "[1/8] health answers",
      "[2/8] place an order",
      "[4/8] read its events",
      "[6/8] views catch up",
      "[8/8] a body that is not JSON gets a problem document",
    ])
      expect(run.stdout).toContain(step);
    expect(run.stdout).toMatch(/ok: order summary and customer view current \d+ ms after the accept/);
    expect(run.stdout).toContain("urn:eventsourcing-azure:problem:validation-failed");
    expect(run.stdout).toContain("urn:eventsourcing-azure:problem:unsupported-media-type");
    expect(run.stdout).toMatch(/smoke passed: 8 checks, \d+ calls .* views caught up in \d+ ms; no request charges reported/);
  }, 60_000);

  it("reads the URL and key from the stack's outputs with --stack, sends the key and reports each request charge", async () => {
    proxy.keys = [];
    const pulumi = standInPulumi({ apiBaseUrl: `${proxyUrl}/api`, functionKey: "the-stack-key", resourceGroup: "es-ci-rg" });
    try {
      const run = await smoke(["--stack", "ci-smoke"], pulumi.env);
      expect(run.code, run.stderr).toBe(0);
      expect(pulumi.args()).toBe("stack output --json --show-secrets --stack ci-smoke");
      expect(run.stdout).toContain(`smoke: ${proxyUrl}/api (from stack ci-smoke, with the function key)`);
      expect(run.stdout).toMatch(/GET \/health -> 200 {2}\d+ ms {2}2\.50 RU/);
      expect(run.stdout).toMatch(/smoke passed: .* RU over \d+ charged calls/);
      expect(proxy.keys.length).toBeGreaterThan(8);
      expect(new Set(proxy.keys)).toEqual(new Set(["the-stack-key"]));
    } finally {
      pulumi.dispose();
    }
  }, 60_000);

  it("exits non-zero and names the step when an answer is wrong", async () => {
    proxy.breakBadRequest = true;
    try {
      const run = await smoke(["--base-url", proxyUrl]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain("[6/8] views catch up");
      expect(run.stderr).toContain("FAILED: POST /orders answered 400 as 'text/plain', not application/problem+json");
      expect(run.stderr).toContain("smoke failed at step 7 of 8 (a bad request gets a problem document)");
    } finally {
      proxy.breakBadRequest = false;
    }
  }, 60_000);

  it("exits non-zero at the first step when health fails", async () => {
    proxy.healthStatus = 503;
    try {
      const run = await smoke(["--base-url", `${proxyUrl}/api/`, "--key", "k"]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/FAILED: GET \/health answered 503, expected 200/);
      expect(run.stdout).not.toContain("[2/8]");
    } finally {
      proxy.healthStatus = undefined;
    }
  }, 60_000);

  it("exits non-zero when nothing answers, or the stack cannot be read, or the arguments are wrong", async () => {
    const nothing = await smoke(["--base-url", "http://127.0.0.1:9"]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/FAILED: fetch failed \(calling http:\/\/127\.0\.0\.1:9\/api\)/);

    const pulumi = standInPulumi({ fail: "error: no stack named gone found" });
    try {
      const missing = await smoke(["--stack", "gone"], pulumi.env);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("could not read the outputs of stack 'gone' with the pulumi CLI: error: no stack named gone found");
      expect(missing.stderr).not.toContain("usage:");
    } finally {
      pulumi.dispose();
    }

    const usage = await smoke(["--stack", "dev", "--key", "k"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: npm run smoke");
  }, 60_000);
});
