import type { TokenCredential } from "@azure/core-auth";
import type { PluginConfig } from "@azure/cosmos";
import { CosmosClient } from "@azure/cosmos";
import { AsyncLocalStorage } from "node:async_hooks";

const failures = new AsyncLocalStorage<{ error?: unknown }>();

/**
 * The SDK rethrows a failed TransactionalBatch as a plain Error whose message is all that is
 * left of the status and retry-after. This request plugin keeps the original error of the call
 * in progress, so withRetry can tell a 429 from a 400 for batches too.
 */
export const keepOriginalFailure: PluginConfig = {
  on: "request",
  plugin: async (context, diagnosticNode, next) => {
    try {
      return await next(context);
    } catch (error) {
      const slot = failures.getStore();
      if (slot) slot.error = error;
      throw error;
    }
  },
};

/** Runs one SDK call; if it fails, throws the original network-level error where there was one. */
export async function withOriginalFailure<T>(call: () => Promise<T>): Promise<T> {
  const slot: { error?: unknown } = {};
  try {
    return await failures.run(slot, call);
  } catch (error) {
    throw slot.error ?? error;
  }
}

export type CosmosAuth = { readonly credential: TokenCredential } | { readonly key: string };

/**
 * Every CosmosClient of the project. The SDK's own throttling retries are off: calls go through
 * withRetry, whose bound keeps an HTTP request from hanging and turns exhaustion into a 503 with
 * Retry-After. Plain http only ever means a local emulator, which cannot serve endpoint discovery.
 */
export function createCosmosClient(endpoint: string, auth: CosmosAuth, requestTimeoutMs: number): CosmosClient {
  const options = {
    endpoint,
    ...("credential" in auth ? { aadCredentials: auth.credential } : { key: auth.key }),
    connectionPolicy: {
      enableEndpointDiscovery: endpoint.startsWith("https:"),
      requestTimeout: requestTimeoutMs,
      retryOptions: { maxRetryAttemptCount: 0, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 0 },
    },
    // `plugins` is read by the client (dist/esm/plugins/Plugin.js executePlugins) but not declared
    // in its options type: @azure/cosmos is pinned to an exact version in package.json, and
    // tests/azure/cosmos-client-plugin.test.ts fails if the plugin stops being called.
    plugins: [keepOriginalFailure],
  };
  return new CosmosClient(options);
}
