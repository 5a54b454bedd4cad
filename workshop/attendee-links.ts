import type { StackOutputs } from "./stack-port.js";

/** What an attendee needs, read from their stack's outputs. */
export interface AttendeeLinks {
  readonly apiBaseUrl: string | undefined;
  readonly dashboardUrl: string | undefined;
  /** What the attendee runs: `--base-url`/`--key`, which needs no Pulumi state; else the stack's `smokeCommand`. */
  readonly smokeCommand: string | undefined;
  /** The stack's `smokeCommand` output (`--stack <name>`), for whoever holds the state. */
  readonly stackSmokeCommand: string | undefined;
  /** Outputs the stack does not have (yet), said plainly in the sheet and the log. */
  readonly missing: readonly string[];
}

/**
 * Reads `apiBaseUrl`, `functionKey`, `dashboardUrl` and `smokeCommand`. An attendee's laptop has
 * no access to the stack's state, so their smoke command is the `--base-url`/`--key` form.
 */
export function linksFrom(outputs: StackOutputs): AttendeeLinks {
  const text = (name: string): string | undefined => {
    const value = outputs[name]?.value;
    return typeof value === "string" && value.length > 0 ? value : undefined;
  };
  const apiBaseUrl = text("apiBaseUrl");
  const functionKey = text("functionKey");
  const dashboardUrl = text("dashboardUrl");
  const smokeOutput = text("smokeCommand");
  const missing = ["apiBaseUrl", "functionKey", "dashboardUrl", "smokeCommand"].filter((name) => text(name) === undefined);
  const smokeCommand =
    apiBaseUrl !== undefined && functionKey !== undefined
      ? `npm run smoke -- --base-url ${shellQuote(apiBaseUrl)} --key ${shellQuote(functionKey)}`
      : smokeOutput;
  return { apiBaseUrl, dashboardUrl, smokeCommand, stackSmokeCommand: smokeOutput, missing };
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
