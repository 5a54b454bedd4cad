import type { Container, CosmosClient, Database } from "@azure/cosmos";
import { createHttpServer, createHttpsServer } from "@vercel/cosmosdb-server";
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ContainerDefinition } from "../../functions/src/eventstore/cosmos/container-definitions.js";
import { createCosmosClient } from "../../functions/src/eventstore/cosmos/cosmos-client.js";
import { CONTAINERS, indexingPolicyOf } from "../../functions/src/eventstore/cosmos/container-definitions.js";
import { makeStandInScansLinear } from "./cosmosdb-server-linear-scan.js";

/**
 * A Cosmos endpoint for tests: the real one named by COSMOS_ENDPOINT (with COSMOS_KEY; the
 * emulator's well-known key in CI), else @vercel/cosmosdb-server started in this process, its
 * scans made linear (cosmosdb-server-linear-scan.ts).
 */
export interface CosmosTestEndpoint {
  readonly real: boolean;
  readonly endpoint: string;
  readonly key: string;
  readonly client: CosmosClient;
  /** A fresh database with the product's containers. */
  createDatabase(): Promise<{ database: Database; containers: Record<keyof typeof CONTAINERS, Container> }>;
  close(): Promise<void>;
}

export const REAL_COSMOS = process.env.COSMOS_ENDPOINT !== undefined && process.env.COSMOS_ENDPOINT !== "";

export function clientFor(endpoint: string, key: string, requestTimeoutMs = 10_000): CosmosClient {
  return createCosmosClient(endpoint, { key }, requestTimeoutMs);
}

export async function createContainer(database: Database, definition: ContainerDefinition, id = definition.id): Promise<Container> {
  const { container } = await database.containers.createIfNotExists({
    id,
    partitionKey: { paths: [definition.partitionKeyPath] },
    indexingPolicy: indexingPolicyOf(definition),
    ...(definition.uniqueKeyPaths.length > 0 ? { uniqueKeyPolicy: { uniqueKeys: [{ paths: [...definition.uniqueKeyPaths] }] } } : {}),
  });
  return container;
}

/**
 * `tls`: serve cosmosdb-server over HTTPS, which Entra (bearer) authentication requires. Its
 * bundled certificate has expired, so the caller must accept that in its own test process.
 */
export async function startCosmosTestEndpoint(
  options: { tls?: boolean; /** always cosmosdb-server, even with COSMOS_ENDPOINT */ local?: boolean } = {},
): Promise<CosmosTestEndpoint> {
  let server: Server | undefined;
  let endpoint: string;
  let key: string;
  const real = REAL_COSMOS && options.local !== true;
  if (real) {
    endpoint = process.env.COSMOS_ENDPOINT ?? "";
    key = process.env.COSMOS_KEY ?? "";
  } else {
    makeStandInScansLinear();
    const local = options.tls === true ? createHttpsServer() : createHttpServer();
    server = local;
    await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
    endpoint = `${options.tls === true ? "https" : "http"}://127.0.0.1:${(local.address() as AddressInfo).port}`;
    key = Buffer.from("cosmosdb-server accepts any key").toString("base64");
  }
  const client = clientFor(endpoint, key);
  const databases: Database[] = [];
  return {
    real,
    endpoint,
    key,
    client,
    async createDatabase() {
      const { database } = await client.databases.createIfNotExists({ id: `test-${randomUUID().slice(0, 8)}` });
      databases.push(database);
      const entries = await Promise.all(
        Object.entries(CONTAINERS).map(async ([name, definition]) => [name, await createContainer(database, definition)] as const),
      );
      return { database, containers: Object.fromEntries(entries) as Record<keyof typeof CONTAINERS, Container> };
    },
    async close() {
      if (real) await Promise.all(databases.map((d) => d.delete().catch(() => undefined)));
      client.dispose();
      const local = server;
      if (local) {
        local.closeAllConnections();
        await new Promise<void>((resolve) =>
          local.close(() => {
            resolve();
          }),
        );
      }
    },
  };
}
