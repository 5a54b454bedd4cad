import { describe, expect, it } from "vitest";
import { workshopStatus } from "../../workshop/workshop-status.js";
import { FakeStacks, RecordingOutput } from "./fakes.js";

describe("workshop status", () => {
  it("shows per stack its last update, resource count and expiry, marking the expired ones", async () => {
    const stacks = new FakeStacks();
    stacks.seed("ws1-alice", {
      labels: { workshop: "ws1", owner: "alice", expires: "2026-11-29T18:00:00Z" },
      resources: 31,
      history: [{ kind: "update", result: "succeeded", endTime: "2026-11-29T09:12:00.000Z" }],
    });
    stacks.seed("ws1-bob", {
      labels: { workshop: "ws1", owner: "bob", expires: "2026-11-29T10:00:00Z" },
      resources: 4,
      history: [{ kind: "update", result: "failed", endTime: "2026-11-29T09:15:00.000Z" }],
    });
    stacks.seed("ws1-carol", { labels: { workshop: "ws1", owner: "carol", expires: "2026-11-29T18:00:00Z" }, resources: 0 });
    stacks.seed("ws2-dave", { labels: { workshop: "ws2", owner: "dave", expires: "2026-11-29T18:00:00Z" } });
    const log = new RecordingOutput();
    const result = await workshopStatus("ws1", { stacks, log, now: () => new Date("2026-11-29T12:00:00Z") });

    expect(result.rows.map((row) => [row.stack, row.lastUpdate, row.resources, row.expires])).toEqual([
      ["ws1-alice", "update succeeded at 2026-11-29T09:12:00.000Z", "31", "2026-11-29T18:00:00Z"],
      ["ws1-bob", "update failed at 2026-11-29T09:15:00.000Z", "4", "2026-11-29T10:00:00Z (expired)"],
      ["ws1-carol", "never updated", "0", "2026-11-29T18:00:00Z"],
    ]);
    const lines = log.text.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^stack\s+workshop\s+owner\s+last update\s+resources\s+expires$/);
    expect(lines).toHaveLength(4);
  });

  it("lists every workshop's stacks when no workshop is given", async () => {
    const stacks = new FakeStacks();
    stacks.seed("ws1-alice", { labels: { workshop: "ws1", owner: "alice", expires: "2026-11-29T18:00:00Z" } });
    stacks.seed("ws2-dave", { labels: { workshop: "ws2", owner: "dave", expires: "2026-11-29T18:00:00Z" } });
    stacks.seed("dev");
    const result = await workshopStatus(undefined, { stacks, log: new RecordingOutput(), now: () => new Date("2026-11-29T12:00:00Z") });
    expect(result.rows.map((row) => row.stack)).toEqual(["ws1-alice", "ws2-dave"]);
  });
});
