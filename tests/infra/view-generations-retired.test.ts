import { describe, expect, it } from "vitest";
import { runProgram } from "./program-under-mocks.js";

// Its own file: one program run per test process under Pulumi's mocks.
describe("a retired view generation under mocks", () => {
  it("drops the retired generation's container and tells the app which generations are live", async () => {
    const run = await runProgram("dev", { "eventsourcing-azure:viewsGeneration": "2", "eventsourcing-azure:viewsRetireBelow": "2" });
    const containers = run.ofType("azure-native:cosmosdb:SqlResourceSqlContainer").map((c) => c.inputs.containerName as string);
    expect(containers.sort()).toEqual(["deadletters", "events", "leases", "views-g2"]);
    const settings = run.one("azure-native:web:WebApp").inputs.siteConfig.appSettings as { name: string; value: unknown }[];
    expect(settings.find((s) => s.name === "VIEWS_GENERATIONS")?.value).toBe("2");
  }, 60_000);
});
