// zod/mini: the same validation as classic zod at a twentieth of the bundle size, which keeps
// the Functions bundle within its budget. English messages are loaded once here.
import * as z from "zod/mini";
import { en } from "zod/locales";

z.config(en());

export { z };

/** A short, readable reason naming the failing fields (at most five). */
export function formatIssues(error: { readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

export const isoTime = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" });

/** Text of 1 to `max` characters that is not only blanks. */
export const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max), z.regex(/\S/, "must not be blank"));
