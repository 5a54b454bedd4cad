import type { AttendeeLinks } from "./attendee-links.js";

export interface SheetRow {
  readonly attendee: string;
  readonly stack: string;
  /** undefined when the attendee's stack did not come up. */
  readonly links: AttendeeLinks | undefined;
  readonly error: string | undefined;
}

export interface SheetHeader {
  readonly workshop: string;
  readonly location: string;
  readonly expires: Date;
}

const NOT_AVAILABLE = "not available";

/** `attendees.csv`: one row per attendee (RFC 4180 quoting). */
export function attendeesCsv(rows: readonly SheetRow[]): string {
  const header = ["attendee", "stack", "status", "api_url", "dashboard_url", "smoke_command", "note"];
  const lines = rows.map((row) =>
    [
      row.attendee,
      row.stack,
      row.links === undefined ? "failed" : "up",
      row.links?.apiBaseUrl ?? "",
      row.links?.dashboardUrl ?? "",
      row.links?.smokeCommand ?? "",
      noteOf(row),
    ].map(csvField),
  );
  return [header, ...lines].map((fields) => fields.join(",")).join("\r\n") + "\r\n";
}

/** The markdown sheet (attendees, .md): a page per room, one section per attendee, to print or paste into a chat. */
export function attendeesMarkdown(header: SheetHeader, rows: readonly SheetRow[]): string {
  const parts = [
    `# Workshop ${header.workshop}`,
    "",
    `Region ${header.location}. The stacks are removed after ${header.expires.toISOString()}.`,
    "The links below carry each attendee's function key: hand each attendee only their own.",
    "",
  ];
  for (const row of rows) {
    parts.push(`## ${row.attendee}`, "");
    if (row.links === undefined) {
      parts.push(`Stack \`${row.stack}\` did not come up: ${row.error ?? "unknown error"}`, "");
      continue;
    }
    const { apiBaseUrl, dashboardUrl, smokeCommand, stackSmokeCommand } = row.links;
    parts.push(
      `- API: ${apiBaseUrl ?? NOT_AVAILABLE}`,
      `- Dashboard: ${dashboardUrl === undefined ? `${NOT_AVAILABLE} (the stack has no \`dashboardUrl\` output)` : `<${dashboardUrl}>`}`,
      `- Smoke test: ${smokeCommand === undefined ? NOT_AVAILABLE : `\`${smokeCommand}\``}`,
    );
    if (stackSmokeCommand !== undefined && stackSmokeCommand !== smokeCommand)
      parts.push(`- Smoke test with the stack's state (presenter): \`${stackSmokeCommand}\``);
    const note = noteOf(row);
    if (note.length > 0) parts.push(`- Note: ${note}`);
    parts.push("");
  }
  return parts.join("\n");
}

function noteOf(row: SheetRow): string {
  if (row.links === undefined) return row.error ?? "";
  return row.links.missing.length === 0 ? "" : `stack outputs missing: ${row.links.missing.join(", ")}`;
}

function csvField(value: string): string {
  // A leading = + - @ would make a spreadsheet evaluate the cell; a quote and an apostrophe keep it text.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
