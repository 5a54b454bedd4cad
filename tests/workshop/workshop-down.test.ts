import { describe, expect, it } from "vitest";
import { workshopDown, workshopSweep, type TeardownDeps } from "../../workshop/workshop-down.js";
import { FakeResourceGroups, FakeStacks, RecordingBoard, RecordingOutput, recordingSleep, TEST_SETTINGS } from "./fakes.js";

const labels = (workshop: string, owner: string, expires = "2026-11-29T18:00:00Z") => ({ labels: { workshop, owner, expires } });

function setUp(now = "2026-11-29T12:00:00Z") {
  const stacks = new FakeStacks();
  const resourceGroups = new FakeResourceGroups();
  const log = new RecordingOutput();
  const board = new RecordingBoard();
  const { sleep, slept } = recordingSleep();
  const deps: TeardownDeps = { stacks, resourceGroups, log, board: () => board, settings: TEST_SETTINGS, sleep, now: () => new Date(now) };
  return { deps, stacks, resourceGroups, log, board, slept };
}

describe("workshop down", () => {
  it("destroys and removes every stack of the workshop, verifies each with Resource Manager, and reports them verified empty", async () => {
    const { deps, stacks, resourceGroups, log } = setUp();
    stacks.seed("ws1-alice", labels("ws1", "alice"));
    stacks.seed("ws1-bob", labels("ws1", "bob"));
    stacks.seed("ws2-carol", labels("ws2", "carol"));
    stacks.seed("ws1-unlabelled"); // named like the workshop's, but not one of its stacks
    const result = await workshopDown("ws1", 4, deps);

    expect(result.exitCode).toBe(0);
    expect([...stacks.stacks.keys()].sort()).toEqual(["ws1-unlabelled", "ws2-carol"]);
    expect(stacks.calls.filter((call) => !call.startsWith("destroy") && !call.startsWith("remove"))).toEqual([]);
    expect(resourceGroups.asked).toEqual(
      expect.arrayContaining([
        { stack: "ws1-alice", knownGroup: "es-ws1-alice-rg1234" },
        { stack: "ws1-bob", knownGroup: "es-ws1-bob-rg1234" },
      ]),
    );
    expect(log.text).toContain("Verified empty with Azure Resource Manager: 2 of 2");
    expect(log.text).toContain(
      "ok    ws1-alice: stack removed; resource group es-ws1-alice-rg1234 and no group tagged environment=ws1-alice left",
    );
    expect(log.text).not.toContain("NOT verified empty");
  });

  it("exits non-zero while Azure still shows a group, names it, and keeps the stack for the next run", async () => {
    const { deps, stacks, resourceGroups, log, board } = setUp();
    stacks.seed("ws1-alice", labels("ws1", "alice"));
    stacks.seed("ws1-bob", labels("ws1", "bob"));
    resourceGroups.left.set("ws1-bob", [{ name: "es-ws1-bob-rg1234", resources: 3, provisioningState: "Deleting" }]);
    const result = await workshopDown("ws1", 4, deps);

    expect(result.exitCode).toBe(1);
    expect(stacks.stacks.has("ws1-bob")).toBe(true);
    expect(stacks.stacks.has("ws1-alice")).toBe(false);
    expect(log.text).toContain("Verified empty with Azure Resource Manager: 1 of 2");
    expect(log.text).toContain(
      "LEFT  ws1-bob: stack kept, so that the next down or sweep finds it; resource group es-ws1-bob-rg1234 still exists (Deleting, 3 resource(s))",
    );
    expect(board.seen.get("ws1-bob")?.at(-1)).toBe("NOT verified empty");
    // Azure has caught up: the same command finishes the job.
    resourceGroups.left.clear();
    expect((await workshopDown("ws1", 4, deps)).exitCode).toBe(0);
    expect(stacks.stacks.has("ws1-bob")).toBe(false);
  });

  it("retries a destroy that hit a conflict with another operation, then verifies", async () => {
    const { deps, stacks, slept, log } = setUp();
    stacks.seed("ws1-alice", labels("ws1", "alice"));
    stacks.failures.set("destroy:ws1-alice", [
      'error: Status=409 Code="AnotherOperationInProgress" Message="Another operation on this or dependent resource is in progress."',
    ]);
    const result = await workshopDown("ws1", 4, deps);

    expect(result.exitCode).toBe(0);
    expect(stacks.calls.filter((call) => call === "destroy:ws1-alice")).toHaveLength(2);
    expect(slept).toEqual([30_000]);
    expect(log.text).toContain("Verified empty with Azure Resource Manager: 1 of 1");
  });

  it("reports a destroy that keeps failing, still checks Azure, and exits non-zero", async () => {
    const { deps, stacks, resourceGroups, log } = setUp();
    stacks.seed("ws1-alice", labels("ws1", "alice"));
    stacks.failures.set("destroy:ws1-alice", ["error: deleting resource group: ScopeLocked"]);
    resourceGroups.left.set("ws1-alice", [{ name: "es-ws1-alice-rg1234", resources: 12, provisioningState: "Succeeded" }]);
    const result = await workshopDown("ws1", 4, deps);

    expect(result.exitCode).toBe(1);
    expect(resourceGroups.asked).toHaveLength(1);
    expect(log.text).toContain("LEFT  ws1-alice: destroy failed: 1 attempt(s): error: deleting resource group: ScopeLocked;");
    expect(log.text).toContain("resource group es-ws1-alice-rg1234 still exists (Succeeded, 12 resource(s))");
  });

  it("does not call a stack empty when Azure could not be asked", async () => {
    const { deps, stacks, resourceGroups, log } = setUp();
    stacks.seed("ws1-alice", labels("ws1", "alice"));
    resourceGroups.failWith = "AzureCliCredential: Please run 'az login' to set up an account";
    const result = await workshopDown("ws1", 4, deps);

    expect(result.exitCode).toBe(1);
    expect(stacks.stacks.has("ws1-alice")).toBe(true);
    expect(log.text).toContain("could not check Azure: AzureCliCredential: Please run 'az login' to set up an account");
  });

  it("tears down in parallel, never more at once than --parallel", async () => {
    const { deps, stacks } = setUp();
    for (const who of ["a1", "a2", "a3", "a4", "a5", "a6"]) stacks.seed(`ws1-${who}`, labels("ws1", who));
    expect((await workshopDown("ws1", 3, deps)).exitCode).toBe(0);
    expect(stacks.maxRunning).toBe(3);
    expect(stacks.stacks.size).toBe(0);
  });

  it("has nothing to do for a workshop without stacks", async () => {
    const { deps, log } = setUp();
    expect((await workshopDown("ws9", 4, deps)).exitCode).toBe(0);
    expect(log.text).toBe("no stacks for workshop ws9: nothing to tear down\n");
  });
});

describe("workshop sweep", () => {
  it("tears down every workshop stack whose expiry has passed, of any workshop, and leaves the rest", async () => {
    const { deps, stacks, log } = setUp("2026-11-29T12:00:00Z");
    stacks.seed("ws1-alice", labels("ws1", "alice", "2026-11-29T11:59:59Z"));
    stacks.seed("ws2-bob", labels("ws2", "bob", "2026-11-29T12:00:00Z"));
    stacks.seed("ws2-carol", labels("ws2", "carol", "2026-11-29T12:00:01Z"));
    stacks.seed("ws3-dave", labels("ws3", "dave", "not a time"));
    stacks.seed("dev");
    const result = await workshopSweep(4, deps);

    expect(result.exitCode).toBe(0);
    expect(result.outcomes.map((o) => o.stack)).toEqual(["ws1-alice", "ws2-bob"]);
    expect([...stacks.stacks.keys()].sort()).toEqual(["dev", "ws2-carol", "ws3-dave"]);
    expect(log.text).toContain("tearing down 2 stack(s) of expired stacks as of 2026-11-29T12:00:00.000Z");
  });

  it("exits zero with a message when nothing has expired", async () => {
    const { deps, stacks, log } = setUp("2026-11-29T12:00:00Z");
    stacks.seed("ws1-alice", labels("ws1", "alice", "2026-11-30T00:00:00Z"));
    expect((await workshopSweep(4, deps)).exitCode).toBe(0);
    expect(stacks.calls).toEqual([]);
    expect(log.text).toContain("no workshop stack has expired");
  });
});
