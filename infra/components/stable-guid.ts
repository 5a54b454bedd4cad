import { createHash } from "node:crypto";

/**
 * A stable GUID from a name, for resources Azure names by GUID (workbooks, Cosmos DB SQL role
 * assignments): the same stack always asks for the same one, so `pulumi up` updates it in place.
 */
export function stableGuid(name: string): string {
  const h = createHash("sha256").update(name).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
