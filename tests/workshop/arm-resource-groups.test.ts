/**
 * The Azure Resource Manager adapter through the real Azure SDK client, against a local HTTP
 * stand-in for management.azure.com: the requests it makes (the tag filter, the existence check,
 * the resource listing) and how it reads the answers.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { Agent, createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ArmResourceGroups } from "../../workshop/arm-resource-groups.js";

interface Group {
  name: string;
  tags: Record<string, string>;
  provisioningState: string;
  resources: number;
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

// The SDK sends bearer tokens over TLS only: a throw-away certificate for 127.0.0.1.
function selfSignedCertificate(): { cert: Buffer; key: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), "fake-arm-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  return { cert: readFileSync(join(dir, "cert.pem")), key: readFileSync(join(dir, "key.pem")) };
}
const tls = selfSignedCertificate();

async function fakeArm(groups: Group[]) {
  const requests: { method: string; path: string; filter: string | null; authorization: string | undefined }[] = [];
  const sub = "/subscriptions/00000000-0000-0000-0000-000000000001";
  const body = (g: Group) => ({
    id: `${sub}/resourceGroups/${g.name}`,
    name: g.name,
    location: "westeurope",
    tags: g.tags,
    properties: { provisioningState: g.provisioningState },
  });
  const server = createServer(tls, (req: IncomingMessage, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push({
      method: req.method ?? "",
      path: url.pathname,
      filter: url.searchParams.get("$filter"),
      authorization: req.headers.authorization,
    });
    const json = (status: number, value?: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(value === undefined ? undefined : JSON.stringify(value));
    };
    const path = url.pathname.toLowerCase();
    if (path === `${sub}/resourcegroups`) {
      // ARM's tag filter: tagName eq '<name>' and tagValue eq '<value>'.
      const match = /^tagName eq '([^']*)' and tagValue eq '([^']*)'$/.exec(url.searchParams.get("$filter") ?? "");
      json(200, { value: groups.filter((g) => match === null || g.tags[match[1] ?? ""] === match[2]).map(body) });
      return;
    }
    const one = new RegExp(`^${sub}/resourcegroups/([^/]+)(/resources)?$`).exec(path);
    const group = groups.find((g) => g.name.toLowerCase() === one?.[1]);
    if (one === null) json(400, { error: { code: "Unexpected", message: `${req.method ?? ""} ${url.pathname}` } });
    else if (req.method === "HEAD") json(group === undefined ? 404 : 204);
    else if (group === undefined) json(404, { error: { code: "ResourceGroupNotFound", message: "not found" } });
    else if (one[2] === undefined) json(200, body(group));
    else
      json(200, {
        value: Array.from({ length: group.resources }, (_, i) => ({
          id: `${sub}/resourceGroups/${group.name}/providers/x/y/r${i}`,
          name: `r${i}`,
          type: "x/y",
        })),
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  const adapter = ArmResourceGroups.create({
    subscriptionId: "00000000-0000-0000-0000-000000000001",
    project: "eventsourcing-azure",
    clientOptions: { endpoint: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, agent: new Agent({ ca: tls.cert }) },
    credential: { getToken: () => Promise.resolve({ token: "arm-token", expiresOnTimestamp: Date.now() + 3_600_000 }) },
  });
  return { adapter, requests };
}

const ours = (stack: string) => ({ project: "eventsourcing-azure", environment: stack, owner: "x", "managed-by": "pulumi" });

describe("ArmResourceGroups", () => {
  it("finds nothing once the stack's groups are gone: verified empty", async () => {
    const { adapter, requests } = await fakeArm([
      { name: "es-ws1-bob-rg9", tags: ours("ws1-bob"), provisioningState: "Succeeded", resources: 5 },
    ]);
    expect(await adapter.leftovers("ws1-alice", "es-ws1-alice-rg1")).toEqual([]);
    expect(requests.map((r) => [r.method, r.path.toLowerCase(), r.filter])).toEqual([
      ["GET", "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups", "tagName eq 'environment' and tagValue eq 'ws1-alice'"],
      ["HEAD", "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/es-ws1-alice-rg1", null],
    ]);
    expect(requests.every((r) => r.authorization === "Bearer arm-token")).toBe(true);
  });

  it("reports the group named in the outputs and any group tagged with the stack, with their state and resource count", async () => {
    const { adapter } = await fakeArm([
      { name: "es-ws1-alice-rg1", tags: { ...ours("ws1-alice"), environment: "renamed" }, provisioningState: "Deleting", resources: 2 },
      { name: "es-ws1-alice-rg7", tags: ours("ws1-alice"), provisioningState: "Succeeded", resources: 4 },
      { name: "someone-elses", tags: { environment: "ws1-alice", project: "other" }, provisioningState: "Succeeded", resources: 1 },
    ]);
    const left = await adapter.leftovers("ws1-alice", "es-ws1-alice-rg1");
    expect([...left].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "es-ws1-alice-rg1", resources: 2, provisioningState: "Deleting" },
      { name: "es-ws1-alice-rg7", resources: 4, provisioningState: "Succeeded" },
    ]);
  });
});
