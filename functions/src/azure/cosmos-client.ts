import type { TokenCredential } from "@azure/core-auth";
import { CosmosClient } from "@azure/cosmos";

/**
 * One CosmosClient per process. The SDK's own throttling retries are off: every call goes
 * through withRetry, whose bound keeps an HTTP request from hanging and turns exhaustion into
 * a 503 with Retry-After. Plain http only ever means a local emulator, which cannot serve
 * endpoint discovery.
 */
export function createCosmosClient(endpoint: string, credential: TokenCredential, requestTimeoutMs: number): CosmosClient {
  return new CosmosClient({
    endpoint,
    aadCredentials: credential,
    connectionPolicy: {
      enableEndpointDiscovery: endpoint.startsWith("https:"),
      requestTimeout: requestTimeoutMs,
      retryOptions: { maxRetryAttemptCount: 0, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 0 },
    },
  });
}
