import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import type { GenerationSpan, PreviousDeployment } from "../../infra/view-generations-guard.js";
import { readStackConfig, StackConfigError } from "../../infra/config.js";
import { retirementProblems } from "../../infra/view-generations-guard.js";
import { CONTAINERS } from "../../functions/src/eventstore/cosmos/container-definitions.js";
import { runProgram } from "./program-under-mocks.js";

const containersOf = (run: Awaited<ReturnType<typeof runProgram>>) =>
  new Map(run.ofType("azure-native:cosmosdb:SqlResourceSqlContainer").map((c) => [c.inputs.containerName as string, c] as const));
const appSetting = (run: Awaited<ReturnType<typeof runProgram>>, setting: string) =>
  (run.one("azure-native:web:WebApp").inputs.siteConfig.appSettings as { name: string; value: unknown }[]).find((s) => s.name === setting)
    ?.value;

describe("view generations under mocks", () => {
  it("creates the new generation's container beside the old one, both from the views definition, and tells the app both are live", async () => {
    const run = await runProgram("dev", { "eventsourcing-azure:viewsGeneration": "2" });
    const containers = containersOf(run);
    expect([...containers.keys()].sort()).toEqual(["deadletters", "events", "leases", "views-g1", "views-g2"]);
    const { id: _g1, ...g1 } = containers.get("views-g1")?.inputs.resource as Record<string, unknown>;
    const { id: _g2, ...g2 } = containers.get("views-g2")?.inputs.resource as Record<string, unknown>;
    expect(g2).toEqual(g1);
    for (const id of ["views-g1", "views-g2"]) {
      expect(containers.get(id)?.inputs.resource, id).toMatchObject({
        id,
        partitionKey: { paths: [CONTAINERS.views.partitionKeyPath] },
        indexingPolicy: { compositeIndexes: [[{ path: "/kind" }, { path: "/rank" }, { path: "/groupKey" }]] },
      });
      expect(containers.get(id)?.inputs).toMatchObject({
        databaseName: containers.get("events")?.inputs.databaseName,
        tags: { project: "eventsourcing-azure", "managed-by": "pulumi" },
      });
    }
    expect(containers.get("views-g1")?.name).toBe("es-dev-views-g1");
    expect(containers.get("views-g2")?.name).toBe("es-dev-views-g2");
    expect(appSetting(run, "VIEWS_GENERATIONS")).toBe("1,2");
    expect(run.outputs.viewGenerations).toBeDefined();
    // The stall alert counts every generation's projector, so retiring `projectViews` keeps it true.
    const stall = run
      .ofType("azure-native:monitor:ScheduledQueryRule")
      .find((r) => String(r.inputs.criteria?.allOf?.[0]?.query).includes("stalled ="));
    expect(stall?.inputs.criteria.allOf[0].query).toContain('name startswith "projectViews"');
  }, 60_000);
});

describe("the views generation settings", () => {
  const configOf = (values: Record<string, string>) => ({ get: (key: string) => values[key] }) as unknown as pulumi.Config;
  it("refuse to retire the newest generation, and name the key", () => {
    const read = () => readStackConfig(configOf({ location: "westeurope", viewsGeneration: "2", viewsRetireBelow: "3" }), "p", "s");
    expect(read).toThrow(StackConfigError);
    expect(read).toThrow("p:viewsRetireBelow must be at most viewsGeneration (2): the newest generation serves reads; got '3'");
    expect(() => readStackConfig(configOf({ location: "westeurope", viewsGeneration: "0" }), "p", "s")).toThrow(
      /p:viewsGeneration must be a whole number from 1 to 1000; got '0'/,
    );
  });
});

describe("when an up may remove generations", () => {
  const deployed = (oldest: number, newest: number): PreviousDeployment => ({ span: { oldest, newest }, apiBaseUrl: "https://app/api" });
  const preGenerations: PreviousDeployment = { span: undefined, apiBaseUrl: "https://app/api" };
  const span = (oldest: number, newest: number): GenerationSpan => ({ oldest, newest });
  const cases: [string, PreviousDeployment | undefined, GenerationSpan, number | undefined, RegExp | null][] = [
    // [why, previous deployment, this up, serving generation per /api/health, problem or null]
    ["a first up may start anywhere", undefined, span(3, 3), undefined, null],
    ["adding a generation removes nothing", deployed(1, 1), span(1, 2), undefined, null],
    ["a stack from before generations may add generation 2", preGenerations, span(1, 2), undefined, null],
    ["retiring in the same up that adds the generation is refused", deployed(1, 1), span(2, 2), 1, /in the same up that adds generation 2/],
    ["even if health claims otherwise", deployed(1, 1), span(2, 2), 2, /in the same up that adds generation 2/],
    [
      "a stack from before generations cannot jump to generation 2 alone",
      preGenerations,
      span(2, 2),
      undefined,
      /in the same up that adds generation 2/,
    ],
    ["retiring before the switch is refused", deployed(1, 2), span(2, 2), 1, /generation 1 still serves reads/],
    [
      "retiring when nobody can tell who serves is refused",
      deployed(1, 2),
      span(2, 2),
      undefined,
      /which generation serves reads is unknown \(https:\/\/app\/api\/health did not answer\)/,
    ],
    ["retiring after the switch is allowed", deployed(1, 2), span(2, 2), 2, null],
    ["retiring two old generations after the switch to the third", deployed(1, 3), span(3, 3), 3, null],
    ["retiring up to a generation that does not serve yet is refused", deployed(1, 3), span(3, 3), 2, /generation 2 still serves reads/],
    ["lowering the newest generation is refused", deployed(1, 2), span(1, 1), 2, /viewsGeneration must not go down \(from 2 to 1\)/],
    ["an unchanged stack is fine", deployed(2, 2), span(2, 2), undefined, null],
  ];
  it.each(cases)("%s", (_why, previous, next, serving, problem) => {
    const problems = retirementProblems(previous, next, serving);
    if (problem === null) expect(problems).toEqual([]);
    else expect(problems.join("\n")).toMatch(problem);
  });
});
