import { describe, expect, it } from "vitest";
import { CONTAINERS, indexingPolicyOf } from "../../functions/src/eventstore/cosmos/container-definitions.js";
import { linearAccumulation, makeStandInScansLinear, standInQueryEngine, stripUndefinedLinearly } from "./cosmosdb-server-linear-scan.js";

type Execute = (
  collection: readonly object[],
  options: { code: string; parameters: readonly { name: string; value: unknown }[]; maxItemCount?: number; compositeIndexes: unknown },
) => { result: unknown[]; continuation: unknown };

const { compile, helpers, requireFromEngine } = standInQueryEngine();
const execute = (requireFromEngine("./executor.js") as { default: Execute }).default;

// The product's query shapes (views, event store, dead letters), and a FROM alias other than c.
const QUERIES: { query: string; parameters: { name: string; value: unknown }[] }[] = [
  {
    query: "SELECT c.id, c.view, c._etag FROM c WHERE c.groupKey = @group AND ARRAY_CONTAINS(@ids, c.id)",
    parameters: [
      { name: "@group", value: "g1" },
      { name: "@ids", value: ["r-1", "r-4", "r-7", "r-8", "r-100"] },
    ],
  },
  {
    query: "SELECT TOP @n c.sort, c.view FROM c WHERE c.groupKey = @group AND c.sort > @after ORDER BY c.sort ASC",
    parameters: [
      { name: "@n", value: 20 },
      { name: "@group", value: "g2" },
      { name: "@after", value: "s-0100" },
    ],
  },
  {
    query: "SELECT TOP @n c.view FROM c WHERE c.kind = @kind ORDER BY c.kind ASC, c.rank DESC, c.groupKey ASC",
    parameters: [
      { name: "@n", value: 5 },
      { name: "@kind", value: "customer" },
    ],
  },
  { query: "SELECT VALUE MAX(c.version) FROM c WHERE c.streamId = @stream", parameters: [{ name: "@stream", value: "s-3" }] },
  {
    query: "SELECT TOP @max * FROM c WHERE c.streamId = @stream AND c.version >= @from ORDER BY c.version",
    parameters: [
      { name: "@max", value: 10 },
      { name: "@stream", value: "s-2" },
      { name: "@from", value: 4 },
    ],
  },
  { query: "SELECT VALUE COUNT(1) FROM c", parameters: [] },
  { query: "SELECT r.id FROM root r WHERE r.rank > 3", parameters: [] },
];

const documents = Array.from({ length: 300 }, (_, n) => ({
  id: `r-${n}`,
  _rid: n.toString().padStart(8, "0"),
  _etag: `e-${n}`,
  groupKey: `g${n % 3}`,
  kind: n % 2 === 0 ? "customer" : "order",
  rank: n % 7,
  sort: `s-${n.toString().padStart(4, "0")}`,
  streamId: `s-${n % 5}`,
  version: Math.floor(n / 5) + 1,
  view: { n },
}));

// Taken before the stand-in is patched: the engine's own code and helper, quadratic.
const original = new Map(QUERIES.map(({ query }) => [query, compile(query).code]));
const engineStrip = helpers.stripUndefined;
const compositeIndexes = indexingPolicyOf(CONTAINERS.views).compositeIndexes;

describe("the stand-in's linear scan", () => {
  it("rewrites the quadratic FROM accumulation of every query shape, and only that", () => {
    for (const { query } of QUERIES) {
      const code = original.get(query) ?? "";
      expect(code, query).toContain("[...$, {");
      expect(linearAccumulation(code), query).not.toContain("[...$, {");
      expect(linearAccumulation(code), query).toContain("$.push({");
    }
  });

  it("strips undefined from arrays and objects as the engine does", () => {
    const sparse: unknown[] = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const values: unknown[] = [
      [1, undefined, "a", null, [undefined, { b: undefined, c: [2, undefined] }]],
      sparse,
      { a: undefined, b: [undefined, 1], c: { d: [undefined] } },
      [],
      "text",
      null,
      undefined,
    ];
    for (const value of values) expect(stripUndefinedLinearly(engineStrip)(value)).toEqual(engineStrip(value));
  });

  it("answers every query shape as the engine does, whole and by page", () => {
    for (const { query, parameters } of QUERIES) {
      const code = original.get(query) ?? "";
      for (const maxItemCount of [undefined, 7]) {
        const options = { parameters, compositeIndexes, ...(maxItemCount === undefined ? {} : { maxItemCount }) };
        const expected = execute(documents, { code, ...options });
        expect(expected.result.length, query).toBeGreaterThan(0);
        expect(execute(documents, { code: linearAccumulation(code), ...options }), query).toEqual(expected);
      }
    }
  });

  it("applies to the queries the stand-in compiles from then on, once however often it is asked", () => {
    makeStandInScansLinear();
    const strip = helpers.stripUndefined;
    makeStandInScansLinear();
    expect(strip).not.toBe(engineStrip);
    expect(helpers.stripUndefined).toBe(strip);
    for (const { query } of QUERIES) expect(compile(query).code, query).toBe(linearAccumulation(original.get(query) ?? ""));
  });
});
