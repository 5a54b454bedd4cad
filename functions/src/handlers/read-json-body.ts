import type { HttpRequest } from "@azure/functions";
import { Problem } from "../application/problems.js";

/** Largest request body accepted: 1 MiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

/** Whether any key or string in a parsed body fails the test; iterative, so deep bodies cannot exhaust the stack. */
function someKeyOrString(value: unknown, fails: (text: string, isKey: boolean) => boolean): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current === "string") {
      if (fails(current, false)) return true;
    } else if (Array.isArray(current)) pending.push(...(current as unknown[]));
    else if (current !== null && typeof current === "object") {
      for (const [key, inner] of Object.entries(current)) {
        if (fails(key, true)) return true;
        pending.push(inner);
      }
    }
  }
  return false;
}

const JSON_MEDIA_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;.*)?$/i;

/**
 * Reads a JSON body, checking size before reading where the length is declared, then the media
 * type, then the syntax. An empty body is `undefined` (commands whose body is optional).
 */
export async function readJsonBody(request: HttpRequest): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES)
    throw new Problem("payload-too-large", `the body declares ${declared} bytes; the limit is ${MAX_BODY_BYTES}`);
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > MAX_BODY_BYTES)
    throw new Problem("payload-too-large", `the body has ${bytes.length} bytes; the limit is ${MAX_BODY_BYTES}`);
  if (bytes.length === 0) return undefined;
  const contentType = request.headers.get("content-type") ?? "";
  if (!JSON_MEDIA_TYPE.test(contentType))
    throw new Problem("unsupported-media-type", `content-type '${contentType.slice(0, 100)}' is not application/json`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new Problem("invalid-json", "the body is not valid UTF-8");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    throw new Problem("invalid-json", error instanceof Error ? error.message.slice(0, 200) : "the body is not JSON");
  }
  // \uD800-style escapes can smuggle lone surrogates, which no store can keep byte for byte.
  if (ESCAPED_SURROGATE.test(text) && someKeyOrString(parsed, (t) => !t.isWellFormed())) {
    throw new Problem("invalid-json", "the body contains a lone UTF-16 surrogate (\\uD800-\\uDFFF without its pair)");
  }
  // JSON.parse keeps "__proto__" as a plain key, but copying it into an object sets a prototype:
  // refused everywhere, before any validator copies the body.
  if (text.includes("__proto__") && someKeyOrString(parsed, (t, isKey) => isKey && t === "__proto__")) {
    throw new Problem("validation-failed", "keys named __proto__ are not accepted");
  }
  return parsed;
}
