import { parseArgs } from "node:util";
import { numberedAttendees } from "./stack-names.js";
import type { UpRequest } from "./workshop-up.js";

export class UsageError extends Error {}

export type WorkshopCommand =
  | ({ readonly command: "up" } & UpRequest)
  | { readonly command: "status"; readonly workshop: string | undefined }
  | { readonly command: "down"; readonly workshop: string; readonly parallel: number }
  | { readonly command: "sweep"; readonly parallel: number };

export const USAGE = `usage:
  npm run workshop -- up --attendees alice,bob,... | --count N --location <region>
                         [--expires <ISO time>] [--parallel N] [--workshop <id>] [--yes]
  npm run workshop -- status [--workshop <id>]
  npm run workshop -- down --workshop <id> [--parallel N]
  npm run workshop -- sweep [--parallel N]`;

export interface ParseDefaults {
  readonly now: Date;
  readonly parallel: number;
  readonly lifetimeHours: number;
}

/** Parses the command line (after `npm run workshop --`). Pure: the clock comes in. */
export function parseWorkshopArgs(argv: readonly string[], defaults: ParseDefaults): WorkshopCommand {
  const [command, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: {
        attendees: { type: "string" },
        count: { type: "string" },
        location: { type: "string" },
        expires: { type: "string" },
        parallel: { type: "string" },
        workshop: { type: "string" },
        yes: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const parallel = positiveInt("--parallel", parsed.parallel) ?? defaults.parallel;
  switch (command) {
    case "up": {
      if (parsed.attendees !== undefined && parsed.count !== undefined)
        throw new UsageError("give either --attendees or --count, not both");
      const count = positiveInt("--count", parsed.count);
      const attendees =
        parsed.attendees !== undefined
          ? parsed.attendees
              .split(",")
              .map((name) => name.trim())
              .filter((name) => name.length > 0)
          : count !== undefined
            ? numberedAttendees(count)
            : undefined;
      if (attendees === undefined) throw new UsageError("up needs --attendees a,b,c or --count N");
      const duplicate = attendees.find((name, i) => attendees.indexOf(name) !== i);
      if (duplicate !== undefined) throw new UsageError(`attendee '${duplicate}' is listed twice`);
      if (parsed.location === undefined) throw new UsageError("up needs --location <region>, e.g. --location westeurope");
      const expires =
        parsed.expires === undefined ? new Date(defaults.now.getTime() + defaults.lifetimeHours * 3_600_000) : instant(parsed.expires);
      if (expires.getTime() <= defaults.now.getTime()) throw new UsageError(`--expires ${parsed.expires ?? ""} is not in the future`);
      return {
        command,
        workshop: parsed.workshop ?? defaultWorkshopId(defaults.now),
        attendees,
        location: parsed.location,
        expires,
        parallel,
        yes: parsed.yes,
      };
    }
    case "status":
      return { command, workshop: parsed.workshop };
    case "down":
      if (parsed.workshop === undefined) throw new UsageError("down needs --workshop <id> (see `npm run workshop -- status`)");
      return { command, workshop: parsed.workshop, parallel };
    case "sweep":
      return { command, parallel };
    case undefined:
      throw new UsageError("which command? up, status, down or sweep");
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

/** ws<month><day>, e.g. ws1129: short, because the program keeps 16 characters of a stack's name. */
export function defaultWorkshopId(now: Date): string {
  return `ws${String(now.getUTCMonth() + 1).padStart(2, "0")}${String(now.getUTCDate()).padStart(2, "0")}`;
}

function positiveInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number of at least 1; got '${raw}'`);
  return n;
}

function instant(raw: string): Date {
  // An ISO 8601 date-time with a zone, so the expiry means the same on every machine.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw))
    throw new UsageError(`--expires must be an ISO time with a zone, e.g. 2026-12-01T18:00:00Z; got '${raw}'`);
  const date = new Date(raw);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--expires '${raw}' is not a valid time`);
  return date;
}
