/** How a workshop names its stacks: `<workshop>-<attendee>`. Pure. */

export const WORKSHOP_ID = /^[a-z0-9][a-z0-9-]{0,19}$/;
export const ATTENDEE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

export function stackNameOf(workshop: string, attendee: string): string {
  return `${workshop}-${attendee}`;
}

/** `--count 3` names the attendees attendee-01 ... attendee-03. */
export function numberedAttendees(count: number): string[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => `attendee-${String(i + 1).padStart(width, "0")}`);
}

/** The prefix the program gives a stack's Azure names; it must stay as in infra/index.ts. */
export function azureNamePrefix(stack: string): string {
  return `es-${stack
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 16)}`;
}

/** Problems with a room's names, as sentences; empty when the names are usable. */
export function nameProblems(workshop: string, attendees: readonly string[]): string[] {
  const problems: string[] = [];
  if (!WORKSHOP_ID.test(workshop))
    problems.push(`workshop id '${workshop}' must be 1-20 lower-case letters, digits or '-', starting with a letter or digit`);
  const seen = new Map<string, string>();
  for (const attendee of attendees) {
    if (!ATTENDEE_NAME.test(attendee)) {
      problems.push(`attendee '${attendee}' must be 1-40 letters, digits, '_' or '-', starting with a letter or digit`);
      continue;
    }
    // The program cuts a stack's Azure names to 16 characters; two attendees whose names agree
    // that far would get resources named alike (told apart only by Pulumi's random suffix).
    const prefix = azureNamePrefix(stackNameOf(workshop, attendee));
    const other = seen.get(prefix);
    if (other !== undefined)
      problems.push(
        `attendees '${other}' and '${attendee}' give the same Azure name prefix '${prefix}': shorten the workshop id or the names`,
      );
    else seen.set(prefix, attendee);
  }
  if (attendees.length === 0) problems.push("no attendees: give --attendees a,b,c or --count N");
  return problems;
}
