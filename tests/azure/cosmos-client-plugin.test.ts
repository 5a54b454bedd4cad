import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { keepOriginalFailure, withOriginalFailure } from "../../functions/src/eventstore/cosmos/cosmos-client.js";
import type { CosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";
import { startCosmosTestEndpoint } from "../support/cosmos-test-endpoint.js";

/**
 * The client relies on the SDK's undeclared `plugins` option to keep the original error of a
 * failed request. If an SDK release stops reading that option, these tests fail.
 */
let cosmos: CosmosTestEndpoint;
beforeAll(async () => {
  cosmos = await startCosmosTestEndpoint({ local: true });
});
afterAll(async () => {
  await cosmos.close();
});

describe("the Cosmos client's request plugin", () => {
  it("is called on every request, and sees the failures it keeps", async () => {
    const spy = vi.spyOn(keepOriginalFailure, "plugin");
    try {
      const { containers } = await cosmos.createDatabase();
      const calledBefore = spy.mock.calls.length;
      await containers.events.items.create({ id: "e-1", streamId: "s-1", version: 1, eventId: "a" });
      expect(spy.mock.calls.length).toBeGreaterThan(calledBefore);

      const failure: unknown = await withOriginalFailure(() =>
        containers.events.items.create({ id: "e-1", streamId: "s-1", version: 1, eventId: "a" }),
      ).catch((e: unknown) => e);
      expect((failure as { code?: unknown }).code).toBe(409);
      const rejected = spy.mock.settledResults.filter((r) => r.type === "rejected").map((r) => r.value as { code?: unknown });
      expect(rejected.some((error) => error === failure)).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it("is registered on the request stage", () => {
    expect(keepOriginalFailure.on).toBe("request");
  });
});
