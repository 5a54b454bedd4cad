/**
 * The Automation API adapter against a stand-in `pulumi` (tests/workshop/stand-in-pulumi.ts): the
 * commands and arguments it sends, and what it makes of the answers. The real CLI is not
 * installed here; this checks our side of the conversation and the SDK's, not the CLI's.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { AutomationStacks } from "../../workshop/automation-stacks.js";
import type { OperationProgress } from "../../workshop/stack-port.js";
import { transientFailureOf } from "../../workshop/transient-failures.js";

const repo = resolve(import.meta.dirname, "../..");
const settings = { location: "westeurope", owner: "alice", workshop: "ws1", expires: "2026-11-30T08:00:00.000Z" };

interface Call {
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
}

async function standIn(options: { version?: string; backendUrl?: string; failures?: Record<string, string[]> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "stand-in-pulumi-"));
  const [root, state, project] = [join(dir, "root"), join(dir, "state"), join(dir, "project")];
  for (const path of [join(root, "bin"), state, project]) mkdirSync(path, { recursive: true });
  // The project the workspace runs: this repository's Pulumi.yaml (its name decides config keys).
  copyFileSync(join(repo, "Pulumi.yaml"), join(project, "Pulumi.yaml"));
  writeFileSync(
    join(state, "state.json"),
    JSON.stringify({
      version: options.version ?? "v3.276.0",
      backendUrl: options.backendUrl ?? `file://${dir}/backend`,
      current: undefined,
      stacks: {},
      failures: options.failures ?? {},
    }),
  );
  // PulumiCommand.get({ root }) runs <root>/bin/pulumi: an explicit path, nothing installed.
  const bin = join(root, "bin", "pulumi");
  writeFileSync(
    bin,
    `#!/bin/sh\nSTAND_IN_STATE='${state}' exec '${process.execPath}' '${join(repo, "tests/workshop/stand-in-pulumi.ts")}' "$@"\n`,
  );
  chmodSync(bin, 0o755);
  const stacks = await AutomationStacks.open({
    workDir: project,
    pulumiRoot: root,
    envVars: { PULUMI_BACKEND_URL: `file://${dir}/backend` },
  });
  const calls = (): Call[] =>
    readFileSync(join(state, "calls.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Call);
  // Arguments as sent, without the --non-interactive the SDK adds to each.
  const commands = (): string[] => calls().map((call) => call.args.filter((arg) => arg !== "--non-interactive").join(" "));
  const stateNow = () =>
    JSON.parse(readFileSync(join(state, "state.json"), "utf8")) as { stacks: Record<string, { config: Record<string, string> }> };
  return { stacks, calls, commands, stateNow, project };
}

const eventLog = /--event-log tcp:\/\/127\.0\.0\.1:\d+/;

// Each CLI call starts a process; on a busy machine a call can take a second or more.
describe("the Automation API adapter, against a stand-in pulumi", { timeout: 180_000 }, () => {
  it("creates and labels a stack with stack tags (CLI 3.211 and later), runs up with engine events, reads outputs and history, destroys and removes", async () => {
    const { stacks, commands, calls, stateNow, project } = await standIn();
    expect(await stacks.labelStore()).toBe("tags");
    expect(stacks.project).toBe("eventsourcing-azure");

    await stacks.prepare("ws1-alice", settings);
    const progress: OperationProgress[] = [];
    const outputs = await stacks.up("ws1-alice", (p) => progress.push(p));

    expect(commands().map((c) => c.replace(eventLog, "--event-log <events>"))).toEqual([
      "version",
      "stack select --stack ws1-alice",
      "stack init ws1-alice",
      "config set location --stack ws1-alice --plaintext -- westeurope",
      "config set owner --stack ws1-alice --plaintext -- alice",
      "stack tag set workshop:id ws1 --stack ws1-alice",
      "stack tag set workshop:owner alice --stack ws1-alice",
      "stack tag set workshop:expires 2026-11-30T08:00:00.000Z --stack ws1-alice",
      "up --yes --skip-preview --color never --exec-kind auto.local --event-log <events> --stack ws1-alice",
      "stack output --json --stack ws1-alice",
      "stack output --json --show-secrets --stack ws1-alice",
      "stack history --json --show-secrets --page-size 1 --page 1 --stack ws1-alice",
    ]);
    // Every call runs in the project directory with the workspace's environment.
    expect(
      calls()
        .slice(1)
        .every(
          (call) =>
            call.cwd === project &&
            call.env["PULUMI_AUTOMATION_API"] === "true" &&
            call.env["PULUMI_BACKEND_URL"]?.startsWith("file://") === true,
        ),
    ).toBe(true);
    expect(stateNow().stacks["ws1-alice"]?.config).toEqual({
      "eventsourcing-azure:location": "westeurope",
      "eventsourcing-azure:owner": "alice",
    });
    expect(await stacks.labels("ws1-alice")).toEqual({ workshop: "ws1", owner: "alice", expires: "2026-11-30T08:00:00.000Z" });
    // The engine's events arrived over the SDK's gRPC event stream.
    expect(progress.filter((p) => p.kind === "resource-done")).toHaveLength(3);
    expect(outputs["apiBaseUrl"]).toEqual({ value: "https://ws1-alice.azurewebsites.net/api", secret: false });
    expect(outputs["functionKey"]).toEqual({ value: "key-of-ws1-alice", secret: true });

    // Then status, destroy and remove, as `workshop status` and `workshop down` use them.
    expect(await stacks.list()).toEqual([{ name: "ws1-alice", resourceCount: 3, updateInProgress: false }]);
    expect(await stacks.lastUpdate("ws1-alice")).toMatchObject({
      kind: "update",
      result: "succeeded",
      endTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });

    // The CLI refuses to remove a stack that still has resources; the adapter says so.
    await expect(stacks.remove("ws1-alice")).rejects.toThrow(/still has resources; removal rejected/);
    const deleted: OperationProgress[] = [];
    await stacks.destroy("ws1-alice", (p) => deleted.push(p));
    await stacks.remove("ws1-alice");

    expect(deleted.flatMap((p) => (p.kind === "resource-done" ? [p.op] : []))).toEqual(["delete", "delete", "delete"]);
    expect(
      commands()
        .slice(12)
        .map((c) => c.replace(eventLog, "--event-log <events>")),
    ).toEqual([
      "stack tag ls --json --stack ws1-alice",
      "stack ls --json",
      "stack history --json --page-size 1 --page 1 --stack ws1-alice",
      "stack rm --yes ws1-alice",
      "destroy --yes --skip-preview --color never --event-log <events> --exec-kind auto.local --stack ws1-alice",
      "stack history --json --show-secrets --page-size 1 --page 1 --stack ws1-alice",
      "stack rm --yes ws1-alice",
    ]);
    expect(await stacks.list()).toEqual([]);
  });

  it("keeps the labels in stack config on an older CLI with a file backend, where stack tags are not kept", async () => {
    const { stacks, commands, stateNow } = await standIn({ version: "v3.200.0" });
    expect(await stacks.labelStore()).toBe("config");
    await stacks.prepare("ws1-alice", settings);

    expect(commands()).toContain("whoami --json");
    expect(commands().some((c) => c.startsWith("stack tag"))).toBe(false);
    expect(stateNow().stacks["ws1-alice"]?.config).toEqual({
      "eventsourcing-azure:location": "westeurope",
      "eventsourcing-azure:owner": "alice",
      "eventsourcing-azure:workshop": "ws1",
      "eventsourcing-azure:workshopExpires": "2026-11-30T08:00:00.000Z",
    });
    expect(await stacks.labels("ws1-alice")).toEqual({ workshop: "ws1", owner: "alice", expires: "2026-11-30T08:00:00.000Z" });
    expect(commands().at(-1)).toBe("config --show-secrets --json --stack ws1-alice");
  });

  it("uses stack tags on an older CLI logged in to Pulumi Cloud", async () => {
    const { stacks } = await standIn({ version: "v3.200.0", backendUrl: "https://api.pulumi.com" });
    expect(await stacks.labelStore()).toBe("tags");
  });

  it("hands back the CLI's error text, so a transient Azure failure is recognised and the next attempt succeeds", async () => {
    const { stacks } = await standIn({
      failures: { "up:ws1-bob": ['error: Code="PrincipalNotFound" Message="Principal 0c1e is not in the directory"'] },
    });
    await stacks.prepare("ws1-bob", { ...settings, owner: "bob" });
    const diagnostics: OperationProgress[] = [];
    const failure = await stacks.up("ws1-bob", (p) => diagnostics.push(p)).catch((error: unknown) => error);

    expect(transientFailureOf(failure)?.name).toBe("role assignment before the identity has replicated");
    expect(diagnostics).toContainEqual({
      kind: "diagnostic",
      severity: "error",
      message: 'error: Code="PrincipalNotFound" Message="Principal 0c1e is not in the directory"',
    });
    expect((await stacks.up("ws1-bob", () => undefined))["apiBaseUrl"]?.value).toBe("https://ws1-bob.azurewebsites.net/api");
  });
});
