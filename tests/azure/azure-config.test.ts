import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { ConfigError, readAzureConfig } from "../../functions/src/azure/azure-config.js";
import { ManagedIdentityCredential } from "../../functions/src/azure/managed-identity-credential.js";

describe("app settings", () => {
  it("reads the identity-based settings with defaults", () => {
    expect(readAzureConfig({ COSMOS__accountEndpoint: "https://acct.documents.azure.com:443/", COSMOS__clientId: "abc" })).toEqual({
      cosmosEndpoint: "https://acct.documents.azure.com:443/",
      cosmosClientId: "abc",
      databaseName: "eventstore",
      requestTimeoutMs: 5000,
      viewsGenerations: [1],
    });
  });

  it("reads the live generations of the views, oldest first", () => {
    const base = { COSMOS__accountEndpoint: "https://acct.documents.azure.com:443/" };
    expect(readAzureConfig({ ...base, VIEWS_GENERATIONS: "1,2" }).viewsGenerations).toEqual([1, 2]);
    expect(readAzureConfig({ ...base, VIEWS_GENERATIONS: "3" }).viewsGenerations).toEqual([3]);
    for (const bad of ["0", "2,1", "1,1", "x", "", "1.5"])
      expect(() => readAzureConfig({ ...base, VIEWS_GENERATIONS: bad }), bad).toThrow(
        `VIEWS_GENERATIONS must list generations (whole numbers from 1) in ascending order, e.g. "1,2"; got '${bad}'`,
      );
  });

  it("names every missing or forbidden setting in one clear error", () => {
    const read = () => readAzureConfig({ COSMOS: "AccountEndpoint=https://x;AccountKey=secret", COSMOS_REQUEST_TIMEOUT_MS: "soon" });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/COSMOS__accountEndpoint is not set/);
    expect(read).toThrow(/COSMOS is set: keys and connection strings are not accepted/);
    expect(read).toThrow(/COSMOS_REQUEST_TIMEOUT_MS must be milliseconds \(100-999999\), got 'soon'/);
    expect(() => readAzureConfig({ COSMOS__accountEndpoint: "ftp://x", COSMOS_KEY: "k" })).toThrow(
      /COSMOS__accountEndpoint must be an http\(s\) URL, got 'ftp:\/\/x'[\s\S]*COSMOS_KEY is set/,
    );
  });
});

describe("managed identity credential", () => {
  it("asks the identity endpoint for the resource with the client id and secret header, and caches the token", async () => {
    const seen: string[] = [];
    const server = createServer((request, response) => {
      seen.push(`${request.url} ${String(request.headers["x-identity-header"])}`);
      response.end(JSON.stringify({ access_token: `t${seen.length}`, expires_on: String(Math.floor(Date.now() / 1000) + 3600) }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const env = { IDENTITY_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`, IDENTITY_HEADER: "s3cret" };
    const credential = new ManagedIdentityCredential({ clientId: "client-1", env });
    const first = await credential.getToken("https://cosmos.azure.com/.default");
    const second = await credential.getToken(["https://cosmos.azure.com/.default"]);
    expect(first.token).toBe("t1");
    expect(second.token).toBe("t1");
    expect(seen).toEqual(["/token?api-version=2019-08-01&resource=https%3A%2F%2Fcosmos.azure.com&client_id=client-1 s3cret"]);
    server.close();
  });

  it("explains a missing identity instead of failing obscurely", async () => {
    await expect(
      new ManagedIdentityCredential({ clientId: undefined, env: {} }).getToken("https://cosmos.azure.com/.default"),
    ).rejects.toThrow(/is an identity assigned to the Function App/);
  });

  it("reports the endpoint's refusal", async () => {
    const refusing = (() => Promise.resolve(new Response("no identity", { status: 400 }))) as unknown as typeof fetch;
    const credential = new ManagedIdentityCredential({
      clientId: "c",
      env: { IDENTITY_ENDPOINT: "http://127.0.0.1:1/token", IDENTITY_HEADER: "h" },
      fetch: refusing,
    });
    await expect(credential.getToken("https://cosmos.azure.com/.default")).rejects.toThrow(/answered 400: no identity/);
  });
});
