/**
 * The prefix of every resource name of a stack. Stack names may hold capitals, underscores or
 * runs of them (an attendee's name); Azure names take less. The strictest here is the Cosmos DB
 * account's, lowercase letters and digits in hyphen-separated runs, `^[a-z0-9]+(-[a-z0-9]+)*`
 * (https://learn.microsoft.com/rest/api/cosmos-db-resource-provider/database-accounts/create-or-update):
 * no doubled, leading or trailing hyphen. A name that was already valid keeps its prefix.
 */
export function resourcePrefixOf(stack: string): string {
  const slug = stack
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 16)
    .replace(/-+$/, "");
  return slug === "" ? "es" : `es-${slug}`;
}
