/**
 * The customer view's paging cursor: opaque to clients, it carries the sort key (request time,
 * order number) of the last entry served, so the next page starts right after it whatever was
 * added meanwhile. Versioned, so its content can change without breaking cursors in flight.
 */
const PREFIX = "v1|";
const SORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z [A-Za-z0-9-]{1,64}$/;

export function encodeCursor(sortKey: string): string {
  return Buffer.from(`${PREFIX}${sortKey}`, "utf8").toString("base64url");
}

/** The sort key in a cursor, or undefined when it is not one this API issued. */
export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (!text.startsWith(PREFIX)) return undefined;
  const sortKey = text.slice(PREFIX.length);
  // Canonical only: one cursor per position, so a tampered one cannot alias another.
  return SORT_KEY.test(sortKey) && encodeCursor(sortKey) === cursor ? sortKey : undefined;
}
