import type { StackOutputs } from "./stack-port.js";

/** What an attendee needs, read from their stack's outputs. */
export interface AttendeeLinks {
  readonly apiBaseUrl: string | undefined;
  readonly dashboardUrl: string | undefined;
  readonly smokeCommand: string | undefined;
  /** Outputs the stack does not have (yet), said plainly in the sheet and the log. */
  readonly missing: readonly string[];
}

/**
 * Reads `apiBaseUrl`, `functionKey`, `dashboardUrl` and `smokeCommand`. The smoke command falls
 * back to `--base-url`/`--key`, which works on an attendee's laptop without the stack's state.
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
    smokeOutput ??
    (apiBaseUrl !== undefined && functionKey !== undefined ? `npm run smoke -- --base-url ${shellQuote(apiBaseUrl)} --key ${shellQuote(functionKey)}` : undefined);
  return { apiBaseUrl, dashboardUrl, smokeCommand, missing };
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
