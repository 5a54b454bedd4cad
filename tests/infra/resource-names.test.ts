import { describe, expect, it } from "vitest";
import { windowOf } from "../../infra/components/alerting.js";
import { resourcePrefixOf } from "../../infra/resource-prefix.js";

// The Cosmos DB account name's rule, the strictest of the stack's names.
const COSMOS_ACCOUNT_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

describe("resource name prefixes", () => {
  it("keeps a name that was already valid", () => {
    expect(resourcePrefixOf("dev")).toBe("es-dev");
    expect(resourcePrefixOf("prod")).toBe("es-prod");
    expect(resourcePrefixOf("Alice")).toBe("es-alice");
    expect(resourcePrefixOf("my.stack")).toBe("es-my-stack");
    expect(resourcePrefixOf("a-very-long-stack-name-indeed")).toBe("es-a-very-long-stac");
  });

  it.each(["alice_", "team__x", "_bob", "Ünïcode Näme", "123456789012345-x", "a--b", "---", "workshop-2026-attendee-17"])(
    "gives %j a prefix that makes a valid Cosmos DB account name",
    (stack) => {
      const prefix = resourcePrefixOf(stack);
      expect(`${prefix}-db-account`).toMatch(COSMOS_ACCOUNT_NAME);
      expect(prefix.length).toBeLessThanOrEqual(19);
    },
  );
});

describe("log alert windows", () => {
  it("writes an hour as PT1H and shorter windows in minutes", () => {
    expect([5, 10, 15, 30, 45, 60].map(windowOf)).toEqual(["PT5M", "PT10M", "PT15M", "PT30M", "PT45M", "PT1H"]);
  });
});
