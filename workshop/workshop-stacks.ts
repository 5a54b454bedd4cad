import { mapInParallel } from "./run-in-parallel.js";
import type { StackListing, StackPort, WorkshopLabels } from "./stack-port.js";

export const LOOKUPS_AT_ONCE = 8;

export interface LabelledStack {
  readonly listing: StackListing;
  readonly labels: WorkshopLabels;
}

/** Every stack of the project that carries workshop labels (of one workshop, when given). */
export async function labelledStacks(stacks: StackPort, workshop?: string): Promise<LabelledStack[]> {
  const listings = await stacks.list();
  // The name is only a shortcut; the labels decide (a stack named like a workshop's may not be one).
  const candidates = workshop === undefined ? listings : listings.filter((listing) => listing.name.startsWith(`${workshop}-`));
  // One CLI process per stack: a room's worth at a time, not all at once.
  const labelled = await mapInParallel(candidates, LOOKUPS_AT_ONCE, async (listing) => ({
    listing,
    labels: await stacks.labels(listing.name),
  }));
  return labelled.filter(
    (entry): entry is LabelledStack => entry.labels !== undefined && (workshop === undefined || entry.labels.workshop === workshop),
  );
}

export function isExpired(labels: WorkshopLabels, now: Date): boolean {
  const expires = Date.parse(labels.expires);
  // An unreadable expiry is not a reason to destroy someone's stack.
  return Number.isFinite(expires) && expires <= now.getTime();
}
