import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { lintWorkflow, lintWorkflows } from "../../scripts/lint-workflows.js";

const ROOT = resolve(import.meta.dirname, "../..");
const WORKFLOW = join(ROOT, ".github/workflows/azure-e2e.yml");

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
}
interface Workflow {
  on: { workflow_dispatch?: unknown; schedule?: { cron: string }[] };
  permissions: Record<string, string>;
  jobs: Record<string, { environment?: string; env: Record<string, string>; steps: Step[] }>;
}
const workflow = parse(readFileSync(WORKFLOW, "utf8")) as Workflow;
const job = Object.values(workflow.jobs)[0];
if (job === undefined) throw new Error("the workflow has no job");

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A scratch folder with a stand-in `pulumi` on PATH that logs its arguments and fails the calls named in FAKE_PULUMI_FAIL. */
function sandbox(): { dir: string; env: NodeJS.ProcessEnv; log: () => string[]; timings: string } {
  const dir = mkdtempSync(join(tmpdir(), "es-e2e-"));
  dirs.push(dir);
  const bin = join(dir, "bin");
  spawnSync("mkdir", [bin]);
  writeFileSync(
    join(bin, "pulumi"),
    `#!/usr/bin/env bash\necho "$*" >> '${dir}/pulumi.log'\nif [ -n "\${FAKE_PULUMI_FAIL:-}" ] && [[ "$*" == "\${FAKE_PULUMI_FAIL}"* ]]; then echo "error: $1 failed" >&2; exit 255; fi\n`,
  );
  chmodSync(join(bin, "pulumi"), 0o755);
  const timings = join(dir, "timings.txt");
  return {
    dir,
    timings,
    env: {
      PATH: `${bin}${delimiter}${process.env.PATH ?? ""}`,
      HOME: dir,
      E2E_TIMINGS: timings,
      GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
      STACK: "e2e-42-1",
    },
    log: () => {
      try {
        return readFileSync(join(dir, "pulumi.log"), "utf8").trim().split("\n");
      } catch {
        return [];
      }
    },
  };
}

function bash(script: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync("bash", [join(ROOT, script), ...args], { cwd: ROOT, env, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the Azure end-to-end workflow", () => {
  it("passes actionlint, and actionlint catches a broken copy of it", async () => {
    expect(await lintWorkflows()).toEqual([]);
    const broken = readFileSync(WORKFLOW, "utf8")
      .replace("if: always()", "if: always(")
      .replace("${{ vars.AZURE_TENANT_ID }}", "${{ var.AZURE_TENANT_ID }}");
    const problems = await lintWorkflow(WORKFLOW, broken);
    expect(problems.map((p) => p.kind)).toEqual(expect.arrayContaining(["expression"]));
    expect(problems.some((p) => p.message.includes('undefined variable "var"'))).toBe(true);
  });

  it("runs by hand and nightly, with only an OIDC token and read access to the code", () => {
    expect(workflow.on.workflow_dispatch).toBeDefined();
    expect(workflow.on.schedule?.[0]?.cron).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(workflow.permissions).toEqual({ contents: "read", "id-token": "write" });
    const login = job.steps.find((s) => s.uses?.startsWith("azure/login@"));
    expect(login?.with).toEqual({
      "client-id": "${{ vars.AZURE_CLIENT_ID }}",
      "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
      "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
    });
    expect(JSON.stringify(login?.with)).not.toMatch(/secret|password/i);
    expect(job.env).toMatchObject({ ARM_USE_OIDC: "true", STACK: "e2e-${{ github.run_id }}-${{ github.run_attempt }}" });
  });

  it("deploys a fresh stack, smokes it, then destroys and removes it even after a failure, timing every step", () => {
    const names = job.steps.map((s) => s.name ?? s.uses ?? "");
    const at = (name: string) => names.indexOf(name);
    expect(at("Sign in to Azure (OIDC)")).toBeLessThan(at("pulumi up (fresh stack)"));
    expect(at("pulumi up (fresh stack)")).toBeLessThan(at("npm run smoke -- --stack"));
    expect(at("npm run smoke -- --stack")).toBeLessThan(at("pulumi destroy"));
    expect(at("pulumi destroy")).toBeLessThan(at("pulumi stack rm"));
    expect(at("pulumi stack rm")).toBeLessThan(at("Report the steps and their times"));
    const step = (name: string) => job.steps[at(name)];
    expect(step("npm run smoke -- --stack")?.run).toBe('scripts/e2e/timed.sh "smoke" npm run smoke -- --stack "$STACK"');
    for (const name of ["pulumi destroy", "pulumi stack rm", "Report the steps and their times"])
      expect(step(name)?.if, name).toBe("always()");
    for (const name of ["pulumi up (fresh stack)", "npm run smoke -- --stack"]) expect(step(name)?.if, name).toBeUndefined();
    for (const s of job.steps.filter(
      (x) =>
        x.run !== undefined &&
        !["State on the runner, with a passphrase of this run only", "Report the steps and their times"].includes(x.name ?? ""),
    )) {
      expect(s.run, s.name).toMatch(/^scripts\/e2e\/timed\.sh "/);
    }
  });
});

describe("the workflow's shell steps", () => {
  it("timed.sh records each step's outcome and time and keeps its exit status", () => {
    const box = sandbox();
    expect(bash("scripts/e2e/timed.sh", ["ok step", "true"], box.env).code).toBe(0);
    const failed = bash("scripts/e2e/timed.sh", ["bad step", "bash", "-c", "exit 3"], box.env);
    expect(failed.code).toBe(3);
    expect(failed.stdout).toMatch(/== bad step: failed in \d+ s \(exit 3\)/);
    expect(readFileSync(box.timings, "utf8").trim().split("\n")).toEqual([
      expect.stringMatching(/^ok step\|passed\|\d+\|0$/),
      expect.stringMatching(/^bad step\|failed\|\d+\|3$/),
    ]);
    expect(bash("scripts/e2e/timed.sh", ["no command"], box.env).code).toBe(64);
  });

  it("summary.sh writes every step with its time to the job summary and fails when one failed", () => {
    const box = sandbox();
    writeFileSync(box.timings, "pulumi up|passed|754|0\nsmoke|failed|31|1\npulumi destroy|passed|402|0\n");
    const run = bash("scripts/e2e/summary.sh", [], box.env);
    expect(run.code).toBe(1);
    const summary = readFileSync(join(box.dir, "summary.md"), "utf8");
    expect(summary).toContain("### Azure end-to-end: stack e2e-42-1");
    expect(summary).toContain("| pulumi up | passed | 12 min 34 s |");
    expect(summary).toContain("| smoke | failed (exit 1) | 0 min 31 s |");
    expect(summary).toContain("1 step(s) failed; 19 min 47 s in all.");
    writeFileSync(box.timings, "pulumi up|passed|1|0\n");
    expect(bash("scripts/e2e/summary.sh", [], box.env).code).toBe(0);
    rmSync(box.timings);
    expect(bash("scripts/e2e/summary.sh", [], box.env).code).toBe(1);
  });

  it("stack-up.sh creates the stack, sets its region and owner, and runs pulumi up without a prompt", () => {
    const box = sandbox();
    const run = bash("scripts/e2e/stack-up.sh", [], { ...box.env, LOCATION: "swedencentral" });
    expect(run.code, run.stderr).toBe(0);
    expect(box.log()).toEqual([
      "stack init e2e-42-1",
      "config set location swedencentral --stack e2e-42-1",
      "config set owner azure-e2e --stack e2e-42-1",
      "up --yes --stack e2e-42-1",
    ]);
  });

  it("stack-up.sh stops at the first failing command", () => {
    const box = sandbox();
    const run = bash("scripts/e2e/stack-up.sh", [], { ...box.env, FAKE_PULUMI_FAIL: "config set location" });
    expect(run.code).toBe(255);
    expect(box.log().at(-1)).toBe("config set location westeurope --stack e2e-42-1");
  });

  it("stack-down.sh destroys, then removes without --force, and does nothing when the stack was never created", () => {
    const box = sandbox();
    expect(bash("scripts/e2e/stack-down.sh", ["destroy"], box.env).code).toBe(0);
    expect(bash("scripts/e2e/stack-down.sh", ["rm"], box.env).code).toBe(0);
    expect(box.log()).toEqual([
      "stack select e2e-42-1",
      "destroy --yes --stack e2e-42-1",
      "stack select e2e-42-1",
      "stack rm --yes e2e-42-1",
    ]);

    const never = sandbox();
    const skipped = bash("scripts/e2e/stack-down.sh", ["destroy"], { ...never.env, FAKE_PULUMI_FAIL: "stack select" });
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain("stack e2e-42-1 does not exist: nothing to destroy");
    expect(never.log()).toEqual(["stack select e2e-42-1"]);

    const failing = sandbox();
    expect(bash("scripts/e2e/stack-down.sh", ["destroy"], { ...failing.env, FAKE_PULUMI_FAIL: "destroy" }).code).toBe(255);
    expect(bash("scripts/e2e/stack-down.sh", ["nonsense"], box.env).code).toBe(64);
  });
});
