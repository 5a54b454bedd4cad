import { createRequire } from "node:module";

/**
 * @vercel/cosmosdb-server answers every query with @zeit/cosmosdb-query, which builds two arrays
 * by copying them once per element: the documents a query scans (it compiles `FROM c` to
 * `$c.reduce(($, c) => typeof c !== "undefined" ? [...$, { c: c }] : $, [])`) and the rows it
 * returns (`stripUndefined`, `[...o, v]`). A query over a container of N documents so takes
 * O(N²) time and memory whatever its filter: 0.1 s at 10,000 documents, 26 s at 24,000, 82 s at
 * 38,000 on a shared two-core machine, and as long again for the SDK's query-plan request, which
 * the stand-in runs as a query. It runs in the test's own process and blocks it meanwhile: past
 * 60 s Node's HTTP server answers the connection it accepted in the meantime (the query's own)
 * `408` with no body, which the SDK reads as "Cannot read properties of null (reading 'message')".
 *
 * Cosmos DB serves these queries from its index within the one partition they name (ARRAY_CONTAINS
 * "benefits from a range index", https://learn.microsoft.com/cosmos-db/query/array-contains), and
 * they are far within its limits: query text and parameters of a few KB against 512 KB, one page
 * at most 5 s with a continuation after it (https://learn.microsoft.com/azure/cosmos-db/concepts-limits).
 * Only the stand-in is slow, so only the stand-in is changed: both arrays are built by pushing onto
 * an array the builder owns (a fresh `[]`), so every answer is the same and a query is linear in
 * the container's size.
 */
export function linearAccumulation(code: string): string {
  return code.replace(
    /\$c\.reduce\(\(\$, ([\w$]+)\) => typeof \1 !== "undefined" \? \[\.\.\.\$, \{\s*([\w$]+): \1\s*\}\] : \$, \[\]\)/g,
    (_match, document: string, alias: string) =>
      `$c.reduce(($, ${document}) => typeof ${document} !== "undefined" ? ($.push({ ${alias}: ${document} }), $) : $, [])`,
  );
}

type Strip = (value: unknown) => unknown;

/** The engine's stripUndefined, an array's elements gathered by push; objects and scalars as before. */
export function stripUndefinedLinearly(engineStrip: Strip): Strip {
  const strip: Strip = (value) => {
    if (!Array.isArray(value)) return engineStrip(value);
    const kept: unknown[] = [];
    // Like the engine's reduce, this skips holes and undefined elements alike.
    for (const element of value as unknown[]) if (typeof element !== "undefined") kept.push(strip(element));
    return kept;
  };
  return strip;
}

export interface StandInQueryEngine {
  readonly compile: (sql: string) => { readonly code: string };
  /** The module generated code calls as `$h`; the engine's own calls go through it too. */
  readonly helpers: { stripUndefined: Strip };
  readonly requireFromEngine: NodeJS.Require;
}

/** The query engine the stand-in itself loads (its own dependency, pinned by it to an exact version). */
export function standInQueryEngine(): StandInQueryEngine {
  const fromServer = createRequire(createRequire(import.meta.url).resolve("@vercel/cosmosdb-server"));
  const enginePath = fromServer.resolve("@zeit/cosmosdb-query");
  const engine = fromServer(enginePath) as { default: (sql: string) => { readonly code: string } };
  const requireFromEngine = createRequire(enginePath);
  return { compile: engine.default, helpers: requireFromEngine("./helpers.js") as { stripUndefined: Strip }, requireFromEngine };
}

const PATCHED = Symbol.for("cosmosdb-server-linear-scan");

/** Makes every query of the in-process stand-in linear in its container's size; idempotent. */
export function makeStandInScansLinear(): void {
  const { compile, helpers } = standInQueryEngine();
  const prototype = Object.getPrototypeOf(compile("SELECT * FROM c")) as Record<symbol, unknown>;
  if (prototype[PATCHED] === true) return;
  // The engine's own getter compiles a query once and keeps its code on the query.
  const descriptor = Object.getOwnPropertyDescriptor(prototype, "code") as { get?: (this: object) => string } | undefined;
  const engineCode = descriptor?.get;
  if (engineCode === undefined) throw new Error("@zeit/cosmosdb-query no longer compiles queries through a `code` getter");
  Object.defineProperty(prototype, "code", {
    configurable: true,
    get(this: object) {
      return linearAccumulation(engineCode.call(this));
    },
  });
  helpers.stripUndefined = stripUndefinedLinearly(helpers.stripUndefined);
  prototype[PATCHED] = true;
  // A changed compiler would leave the answers right but quadratic again: say so.
  if (compile("SELECT * FROM c").code.includes("[...$, {"))
    throw new Error("@zeit/cosmosdb-query compiles FROM differently: the stand-in's linear scan no longer applies");
}
