import { describe, expect, it } from "vitest";
import type { GenerationProgress } from "../../functions/src/generations/view-generations.js";
import {
  generationRange,
  leasePrefixOf,
  localViewsFile,
  projectorFunctionName,
  servingGeneration,
  viewsContainerId,
  viewsContainerOf,
} from "../../functions/src/generations/view-generations.js";
import { CONTAINERS } from "../../functions/src/eventstore/cosmos/container-definitions.js";

const at = (...positions: [number, number | null][]): GenerationProgress[] =>
  positions.map(([generation, position]) => ({ generation, position }));

describe("which generation serves reads", () => {
  const cases: [string, number, GenerationProgress[], number, number][] = [
    // [why, current, progress, tolerance, expected]
    ["one generation serves itself", 1, at([1, 500]), 0, 1],
    ["a new generation still behind does not serve", 1, at([1, 500], [2, 120]), 0, 1],
    ["a new generation that has projected nothing does not serve", 1, at([1, 500], [2, null]), 0, 1],
    ["a new generation level with the serving one takes over", 1, at([1, 500], [2, 500]), 0, 2],
    ["a new generation ahead of the serving one takes over", 1, at([1, 500], [2, 510]), 0, 2],
    ["within the tolerance counts as caught up", 1, at([1, 500], [2, 495]), 5, 2],
    ["just outside the tolerance does not", 1, at([1, 500], [2, 494]), 5, 1],
    ["an empty store: both have nothing, the new one may serve", 1, at([1, null], [2, null]), 0, 2],
    ["never flips back to an older generation, even one further ahead", 2, at([1, 900], [2, 800]), 0, 2],
    ["the newest caught-up generation wins", 1, at([1, 500], [2, 500], [3, 500]), 0, 3],
    ["a caught-up generation wins over a newer one still behind", 1, at([1, 500], [2, 500], [3, 10]), 0, 2],
    ["order of the progress list does not matter", 1, at([3, 10], [2, 500], [1, 500]), 0, 2],
    ["the serving generation retired: any remaining newer one serves", 1, at([2, 40]), 0, 2],
    [
      "epoch milliseconds work as positions (Azure)",
      1,
      at([1, Date.parse("2026-01-01T10:00:05Z")], [2, Date.parse("2026-01-01T10:00:05Z")]),
      0,
      2,
    ],
  ];
  it.each(cases)("%s", (_why, current, progress, tolerance, expected) => {
    expect(servingGeneration(current, progress, tolerance)).toBe(expected);
  });
});

describe("generation names", () => {
  it("gives generation 1 its own container and leases, apart from the former `views` container and its `views-` leases", () => {
    expect([viewsContainerId(1), leasePrefixOf(1), projectorFunctionName(1), localViewsFile(1)]).toEqual([
      "views-g1",
      "views-g1-",
      "projectViews",
      "views.db",
    ]);
  });

  it("names later generations apart, with lease prefixes that are not prefixes of one another", () => {
    expect([viewsContainerId(2), leasePrefixOf(2), projectorFunctionName(2), localViewsFile(2)]).toEqual([
      "views-g2",
      "views-g2-",
      "projectViewsG2",
      "views-g2.db",
    ]);
    // Lease ids continue with the account host (es-...): no generation's leases, nor the former
    // `views-es-…` ones, start with another's prefix.
    const prefixes = [
      "views-es-account.documents.azure.com",
      ...generationRange(1, 12).map((g) => `${leasePrefixOf(g)}es-account.documents.azure.com`),
    ];
    for (const a of prefixes) for (const b of prefixes) if (a !== b) expect(b.startsWith(a), `${a} / ${b}`).toBe(false);
  });

  it("gives every generation the views container's partition key and indexing", () => {
    expect(viewsContainerOf(3)).toEqual({ ...CONTAINERS.views, id: "views-g3" });
    expect(generationRange(2, 4)).toEqual([2, 3, 4]);
    expect(generationRange(3, 2)).toEqual([]);
  });
});
