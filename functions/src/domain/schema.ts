// zod/mini: the same validation as classic zod at a fraction of the bundle size, which keeps the
// Functions bundle within its budget. Named imports (not `import * as`) let the bundler drop
// what is unused, zod's forty locales among it; English messages are loaded once here.
import type { infer as ZodInfer, ZodMiniType } from "zod/mini";
import {
  _default,
  array,
  config,
  enum as enumOf,
  int,
  iso,
  maxLength,
  maximum,
  minLength,
  minimum,
  nonnegative,
  number,
  optional,
  positive,
  record,
  refine,
  regex,
  strictObject,
  string,
  union,
  unknown,
} from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

/** The schema builders this project uses, under the names zod's documentation gives them. */
export const z = {
  _default,
  array,
  enum: enumOf,
  int,
  iso,
  maxLength,
  maximum,
  minLength,
  minimum,
  nonnegative,
  number,
  optional,
  positive,
  record,
  refine,
  regex,
  strictObject,
  string,
  union,
  unknown,
};

export type Infer<S extends ZodMiniType> = ZodInfer<S>;
export type Schema = ZodMiniType;

/** A short, readable reason naming the failing fields (at most five). */
export function formatIssues(error: {
  readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
}): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

export const isoTime = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" });

/** Some character other than a blank: what `text` asks beyond its length. */
export const NOT_BLANK_PATTERN = /\S/;

/** Text of 1 to `max` characters that is not only blanks. */
export const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max), z.regex(NOT_BLANK_PATTERN, "must not be blank"));
