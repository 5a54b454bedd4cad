import { describe, expect, it } from "vitest";
import { ManagedIdentityCredential } from "../../functions/src/azure/managed-identity-credential.js";
import { Problem } from "../../functions/src/application/problems.js";
import { storeErrorAsProblem } from "../../functions/src/handlers/with-problems.js";
import { createCosmosClient } from "../../functions/src/eventstore/cosmos/cosmos-client.js";
import { withRetry } from "../../functions/src/eventstore/cosmos/cosmos-retry.js";
import { StoreUnavailableError } from "../../functions/src/eventstore/errors.js";

const env = { IDENTITY_ENDPOINT: "http://127.0.0.1:1/msi/token", IDENTITY_HEADER: "h" };
const token = () =>
  new Response(JSON.stringify({ access_token: "tok", expires_on: String(Math.floor(Date.now() / 1000) + 3600) }), { status: 200 });

/** An identity endpoint that answers from a script, one response per call (the last repeats). */
function scripted(...answers: (() => Response)[]) {
  const calls: string[] = [];
  const fetcher = ((url: URL) => {
    calls.push(url.toString());
    const answer = answers.length > 1 ? answers.shift() : answers[0];
    return Promise.resolve((answer ?? token)());
  }) as unknown as typeof fetch;
  return { calls, fetcher };
}
const sleeps: number[] = [];
const sleep = (ms: number) => {
  sleeps.push(ms);
  return Promise.resolve();
};

describe("the managed identity credential under transient failures", () => {
  it("retries 429 (after its Retry-After) and 5xx, then returns the token", async () => {
    sleeps.length = 0;
    const endpoint = scripted(
      () => new Response("throttled", { status: 429, headers: { "retry-after": "1" } }),
      () => new Response("busy", { status: 503 }),
      token,
    );
    const credential = new ManagedIdentityCredential({ clientId: "c", env, fetch: endpoint.fetcher, sleep });
    await expect(credential.getToken("https://cosmos.azure.com/.default")).resolves.toMatchObject({ token: "tok" });
    expect(endpoint.calls).toHaveLength(3);
    expect(sleeps).toEqual([1000, 400]);
  });

  it("gives up within its bound with StoreUnavailableError carrying a retry-after", async () => {
    sleeps.length = 0;
    const endpoint = scripted(() => new Response("down", { status: 500 }));
    const credential = new ManagedIdentityCredential({ clientId: "c", env, fetch: endpoint.fetcher, sleep });
    const error: unknown = await credential.getToken("https://cosmos.azure.com/.default").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).message).toMatch(/unavailable after 4 attempts over 1400 ms: answered 500: down/);
    expect((error as StoreUnavailableError).retryAfterMs).toBe(1600);
    expect(endpoint.calls).toHaveLength(4);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3000);
  });

  it("does not retry a request the endpoint refuses as wrong (4xx other than 429)", async () => {
    const endpoint = scripted(() => new Response("unknown client id", { status: 400 }));
    const credential = new ManagedIdentityCredential({ clientId: "c", env, fetch: endpoint.fetcher, sleep });
    await expect(credential.getToken("https://cosmos.azure.com/.default")).rejects.toThrow(/answered 400: unknown client id/);
    expect(endpoint.calls).toHaveLength(1);
  });

  it("turns an identity outage into 503 with Retry-After for the client, not 500, through the Cosmos SDK", async () => {
    const endpoint = scripted(() => new Response("down", { status: 503, headers: { "retry-after": "2" } }));
    const credential = new ManagedIdentityCredential({ clientId: "c", env, fetch: endpoint.fetcher, sleep });
    // Nothing listens there: the SDK asks the credential for a token before it sends anything.
    const client = createCosmosClient("https://127.0.0.1:9/", { credential }, 1000);
    const failure: unknown = await withRetry(() => client.database("eventstore").container("events").item("x", "x").read()).catch(
      (e: unknown) => e,
    );
    client.dispose();
    const problem = storeErrorAsProblem(failure);
    expect(problem).toBeInstanceOf(Problem);
    expect((problem as Problem).status).toBe(503);
    expect((problem as Problem).headers).toEqual({ "retry-after": "2" });
  });
});
