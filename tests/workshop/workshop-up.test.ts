import { describe, expect, it } from "vitest";
import { workshopUp, type UpRequest, type WorkshopDeps } from "../../workshop/workshop-up.js";
import { FakeStacks, RecordingBoard, RecordingOutput, recordingSleep, TEST_SETTINGS } from "./fakes.js";

const expires = new Date("2026-11-30T08:00:00Z");
const request = (attendees: string[], extra: Partial<UpRequest> = {}): UpRequest => ({
  workshop: "ws1",
  attendees,
  location: "westeurope",
  expires,
  parallel: 4,
  yes: false,
  ...extra,
});

function setUp(stacks = new FakeStacks()) {
  const log = new RecordingOutput();
  const board = new RecordingBoard();
  const files = new Map<string, string>();
  const { sleep, slept } = recordingSleep();
  const deps: WorkshopDeps = {
    stacks,
    log,
    board: () => board,
    settings: TEST_SETTINGS,
    sleep,
    now: () => new Date("2026-11-29T08:00:00Z"),
    writePrivateFile: (path, content) => {
      files.set(path, content);
      return Promise.resolve();
    },
    outputRoot: "/project",
  };
  return { deps, stacks, log, board, files, slept };
}

describe("workshop up", () => {
  it("labels one stack per attendee with workshop, owner and expiry, and writes both sheets with each attendee's links", async () => {
    const { deps, stacks, files, log } = setUp();
    const result = await workshopUp(request(["alice", "bob"]), deps);

    expect(result.exitCode).toBe(0);
    expect(stacks.stacks.get("ws1-alice")).toMatchObject({
      location: "westeurope",
      labels: { workshop: "ws1", owner: "alice", expires: "2026-11-30T08:00:00.000Z" },
    });
    expect(stacks.stacks.get("ws1-bob")?.labels?.owner).toBe("bob");
    expect([...files.keys()]).toEqual(["/project/workshops/ws1/attendees.md", "/project/workshops/ws1/attendees.csv"]);
    const csv = files.get("/project/workshops/ws1/attendees.csv") ?? "";
    expect(csv.split("\r\n")[0]).toBe("attendee,stack,status,api_url,dashboard_url,smoke_command,note");
    expect(csv).toContain(
      "alice,ws1-alice,up,https://ws1-alice.azurewebsites.net/api,https://ws1-alice.azurewebsites.net/api/dashboard#key=key-ws1-alice,npm run smoke -- --base-url https://ws1-alice.azurewebsites.net/api --key key-ws1-alice,",
    );
    const md = files.get("/project/workshops/ws1/attendees.md") ?? "";
    expect(md).toContain("## bob");
    expect(md).toContain("- Dashboard: <https://ws1-bob.azurewebsites.net/api/dashboard#key=key-ws1-bob>");
    expect(md).toContain("- Smoke test: `npm run smoke -- --base-url https://ws1-bob.azurewebsites.net/api --key key-ws1-bob`");
    expect(md).toContain("- Smoke test with the stack's state (presenter): `npm run smoke -- --stack ws1-bob`");
    expect(log.text).toContain("expected cost: about US$0.50 per attendee per day, US$1.00 for 2 attendee(s)");
    expect(log.text).toContain("kept as stack tags");
    expect(log.text).toContain("npm run workshop -- down --workshop ws1");
  });

  it("says the labels went to stack config on a backend without stack tags", async () => {
    const { deps, log } = setUp(new FakeStacks("config"));
    await workshopUp(request(["alice"]), deps);
    expect(log.text).toContain("kept as stack config (this backend keeps no stack tags)");
  });

  it("runs the ups in parallel, never more at once than --parallel", async () => {
    const { deps, stacks } = setUp();
    const result = await workshopUp(request(["a1", "a2", "a3", "a4", "a5"], { parallel: 2 }), deps);
    expect(result.exitCode).toBe(0);
    expect(stacks.maxRunning).toBe(2);
    expect(stacks.calls.filter((call) => call.startsWith("up:"))).toHaveLength(5);
  });

  it("retries a transient Azure failure (role assignment before the identity replicated) and shows it on the attendee's line", async () => {
    const { deps, stacks, board, slept } = setUp();
    stacks.failures.set("up:ws1-alice", ['error: Code="PrincipalNotFound" Message="Principal 1234 does not exist in the directory"']);
    const result = await workshopUp(request(["alice", "bob"]), deps);

    expect(result.exitCode).toBe(0);
    expect(stacks.calls.filter((call) => call === "up:ws1-alice")).toHaveLength(2);
    expect(slept).toEqual([30_000]);
    expect(board.seen.get("alice")).toContain("retrying - role assignment before the identity has replicated; attempt 2 in 30 s");
    expect(board.seen.get("alice")?.at(-1)).toBe("done - https://ws1-alice.azurewebsites.net/api");
  });

  it("gives up after the policy's attempts on a failure that stays (429 three times), backing off 30 s then 60 s", async () => {
    const { deps, stacks, slept, files } = setUp();
    stacks.failures.set("up:ws1-bob", [
      "error: Status=429 TooManyRequests",
      "error: Status=429 TooManyRequests",
      "error: Status=429 TooManyRequests",
    ]);
    const result = await workshopUp(request(["alice", "bob"]), deps);

    expect(result.exitCode).toBe(1);
    expect(slept).toEqual([30_000, 60_000]);
    expect(result.rows.find((row) => row.attendee === "bob")?.error).toBe("3 attempt(s): error: Status=429 TooManyRequests");
    expect(files.get("/project/workshops/ws1/attendees.csv")).toContain(
      "bob,ws1-bob,failed,,,,3 attempt(s): error: Status=429 TooManyRequests",
    );
  });

  it("does not retry a failure that is not transient, and the other attendees still come up", async () => {
    const { deps, stacks, slept, log } = setUp();
    stacks.failures.set("up:ws1-bob", ["error: InvalidTemplateDeployment: the SKU is not available in this region"]);
    const result = await workshopUp(request(["alice", "bob", "carol"]), deps);

    expect(result.exitCode).toBe(1);
    expect(slept).toEqual([]);
    expect(stacks.calls.filter((call) => call === "up:ws1-bob")).toHaveLength(1);
    expect(result.rows.map((row) => [row.attendee, row.links === undefined ? "failed" : "up"])).toEqual([
      ["alice", "up"],
      ["bob", "failed"],
      ["carol", "up"],
    ]);
    expect(log.text).toContain("2 of 3 stack(s) up.");
    expect(log.text).toContain("Failed: bob (1 attempt(s): error: InvalidTemplateDeployment: the SKU is not available in this region)");
  });

  it("refuses more attendees than configured without --yes, creates nothing, and states the cost", async () => {
    const { deps, stacks, log, files } = setUp();
    const six = ["a1", "a2", "a3", "a4", "a5", "a6"];
    const refused = await workshopUp(request(six), deps);

    expect(refused.exitCode).toBe(2);
    expect(stacks.calls).toEqual([]);
    expect(files.size).toBe(0);
    expect(log.text).toContain("6 attendees is more than 5 (WORKSHOP_CONFIRM_ABOVE); nothing was created.");
    expect(log.text).toContain("about US$0.50 per attendee per day, US$3.00 for 6 attendee(s)");
    expect((await workshopUp(request(six, { yes: true }), deps)).exitCode).toBe(0);
    expect(stacks.stacks.size).toBe(6);
  });

  it("tolerates a program without dashboardUrl and smokeCommand: says so, and still gives the smoke command from the API URL and key", async () => {
    const stacks = new FakeStacks();
    stacks.outputsFor = (stack) => ({
      apiBaseUrl: { value: `https://${stack}.azurewebsites.net/api`, secret: false },
      functionKey: { value: "k'ey", secret: true },
    });
    const { deps, files, log } = setUp(stacks);
    await workshopUp(request(["alice"]), deps);

    const md = files.get("/project/workshops/ws1/attendees.md") ?? "";
    expect(md).toContain("- Dashboard: not available (the stack has no `dashboardUrl` output)");
    expect(md).toContain("- Smoke test: `npm run smoke -- --base-url https://ws1-alice.azurewebsites.net/api --key 'k'\\''ey'`");
    expect(md).toContain("- Note: stack outputs missing: dashboardUrl, smokeCommand");
    expect(log.text).toContain("Some stacks have no dashboardUrl, smokeCommand output");
  });

  it("refuses names the program cannot tell apart in Azure before creating anything", async () => {
    const { deps, stacks, log } = setUp();
    const result = await workshopUp(request(["Alice", "alice"]), deps);
    expect(result.exitCode).toBe(2);
    expect(stacks.calls).toEqual([]);
    expect(log.text).toContain("attendees 'Alice' and 'alice' give the same Azure name prefix 'es-ws1-alice'");
  });
});
