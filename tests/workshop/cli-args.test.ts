import { describe, expect, it } from "vitest";
import { parseWorkshopArgs, UsageError } from "../../workshop/cli-args.js";

const defaults = { now: new Date("2026-11-29T08:30:00Z"), parallel: 4, lifetimeHours: 12 };
const parse = (line: string) =>
  parseWorkshopArgs(
    line.split(" ").filter((part) => part.length > 0),
    defaults,
  );

describe("workshop command line", () => {
  it("reads up with named attendees, defaulting the workshop id to the date and the expiry to twelve hours on", () => {
    expect(parse("up --attendees alice,bob,carol --location westeurope")).toEqual({
      command: "up",
      workshop: "ws1129",
      attendees: ["alice", "bob", "carol"],
      location: "westeurope",
      expires: new Date("2026-11-29T20:30:00Z"),
      parallel: 4,
      yes: false,
    });
  });

  it("numbers the attendees for --count and takes every option", () => {
    expect(parse("up --count 3 --location northeurope --expires 2026-11-30T17:00:00+01:00 --parallel 8 --workshop ndc --yes")).toEqual({
      command: "up",
      workshop: "ndc",
      attendees: ["attendee-01", "attendee-02", "attendee-03"],
      location: "northeurope",
      expires: new Date("2026-11-30T16:00:00Z"),
      parallel: 8,
      yes: true,
    });
  });

  it.each([
    ["up --location westeurope", "up needs --attendees a,b,c or --count N"],
    ["up --attendees a --count 2 --location westeurope", "give either --attendees or --count, not both"],
    ["up --attendees a,b,a --location westeurope", "attendee 'a' is listed twice"],
    ["up --attendees a", "up needs --location <region>"],
    ["up --count 0 --location westeurope", "--count must be a whole number of at least 1; got '0'"],
    ["up --count 2 --location westeurope --expires tomorrow", "--expires must be an ISO time with a zone"],
    ["up --count 2 --location westeurope --expires 2026-11-29T08:00:00Z", "is not in the future"],
    ["down", "down needs --workshop <id>"],
    ["down --workshop ws1 --parallel x", "--parallel must be a whole number"],
    ["down --workshop ws1 --force", "Unknown option '--force'"],
    ["teardown", "unknown command 'teardown'"],
    ["", "which command?"],
  ])("refuses `%s`", (line, message) => {
    expect(() => parse(line)).toThrow(UsageError);
    expect(() => parse(line)).toThrow(message);
  });

  it("reads status, down and sweep", () => {
    expect(parse("status")).toEqual({ command: "status", workshop: undefined });
    expect(parse("status --workshop ws1")).toEqual({ command: "status", workshop: "ws1" });
    expect(parse("down --workshop ws1 --parallel 2")).toEqual({ command: "down", workshop: "ws1", parallel: 2 });
    expect(parse("sweep")).toEqual({ command: "sweep", parallel: 4 });
  });
});
