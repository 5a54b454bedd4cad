import type { Container, JSONObject, OperationInput } from "@azure/cosmos";
import type { RetryPolicy } from "../../eventstore/cosmos/cosmos-retry.js";
import type { ViewKind } from "../view-keys.js";
import type { SortedRow, StoredRow, ViewOp, ViewRow, ViewStore } from "../view-store.js";
import { batchWithRetry, DEFAULT_RETRY_POLICY, withRetry } from "../../eventstore/cosmos/cosmos-retry.js";
import { recordCharge } from "../../shared/request-charge.js";
import { MAX_OPS_PER_COMMIT, ViewWriteConflictError } from "../view-store.js";

const POINT_READS_UP_TO = 4;

/** A view row as stored in the views container: `groupKey` is the partition key, `id` the row id. */
interface ViewDocument {
  readonly id: string;
  readonly groupKey: string;
  readonly kind: ViewKind;
  readonly rank?: number;
  readonly sort?: string;
  readonly view: unknown;
}

function documentOf(group: string, row: ViewRow): JSONObject {
  const document: ViewDocument = {
    id: row.id,
    groupKey: group,
    kind: row.kind,
    ...(row.rank === undefined ? {} : { rank: row.rank }),
    ...(row.sort === undefined ? {} : { sort: row.sort }),
    view: row.value,
  };
  return document as unknown as JSONObject;
}

/**
 * Views on Cosmos DB (docs/adr/0010): every row of a view shares its group key as partition key,
 * so a read is a 1 RU point read and a group's changes go in one TransactionalBatch, committed
 * all or none (https://learn.microsoft.com/azure/cosmos-db/transactional-batch: same partition
 * key, at most 100 operations). Every operation is conditional: replace and delete on the
 * `_etag` read, create only where nothing exists.
 */
export class CosmosViewStore implements ViewStore {
  readonly kind = "cosmos";
  readonly maxOpsPerCommit = MAX_OPS_PER_COMMIT;

  constructor(
    private readonly container: Container,
    private readonly retry: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  /**
   * A few rows: point reads (1 RU each). More: one query per 500 ids in the group's partition,
   * whose cost grows with the rows returned rather than by 1 RU a row (and one round trip).
   */
  async read<T>(group: string, ids: readonly string[]): Promise<ReadonlyMap<string, StoredRow<T>>> {
    if (ids.length <= POINT_READS_UP_TO) {
      const found = await Promise.all(
        ids.map(async (id) => {
          const response = await withRetry(() => this.container.item(id, group).read<ViewDocument>(), this.retry);
          recordCharge("views.read", response.requestCharge);
          const { resource, etag } = response;
          return resource ? ([id, { value: resource.view as T, etag }] as const) : undefined;
        }),
      );
      return new Map(found.filter((entry) => entry !== undefined));
    }
    const rows = new Map<string, StoredRow<T>>();
    for (let i = 0; i < ids.length; i += 500) {
      const response = await withRetry(
        () =>
          this.container.items
            .query<{ id: string; view: T; _etag: string }>(
              {
                query: "SELECT c.id, c.view, c._etag FROM c WHERE c.groupKey = @group AND ARRAY_CONTAINS(@ids, c.id)",
                parameters: [
                  { name: "@group", value: group },
                  { name: "@ids", value: ids.slice(i, i + 500) },
                ],
              },
              { partitionKey: group },
            )
            .fetchAll(),
        this.retry,
      );
      recordCharge("views.readMany", response.requestCharge);
      for (const r of response.resources) rows.set(r.id, { value: r.view, etag: r._etag });
    }
    return rows;
  }

  async commit(group: string, ops: readonly ViewOp[]): Promise<ReadonlyMap<string, string>> {
    if (ops.length > MAX_OPS_PER_COMMIT) throw new Error(`a commit takes at most ${MAX_OPS_PER_COMMIT} operations, not ${ops.length}`);
    if (ops.length === 0) return new Map();
    // Each operation names its partition key too: the SDK then needs no container read to
    // find it, and @vercel/cosmosdb-server (the tests' stand-in) requires it.
    const operations: OperationInput[] = ops.map((op): OperationInput => {
      // The SDK's batch Delete takes no etag condition. Every commit of the projections replaces
      // the group's header at its etag first, so a delete still lands only in the state read.
      if (op.type === "delete") return { operationType: "Delete", id: op.id, partitionKey: group };
      if (op.etag === undefined) return { operationType: "Create", partitionKey: group, resourceBody: documentOf(group, op.row) };
      return { operationType: "Replace", id: op.row.id, partitionKey: group, resourceBody: documentOf(group, op.row), ifMatch: op.etag };
    });
    const results = await batchWithRetry(this.container, operations, group, "views.commit", this.retry);
    if (results.length !== ops.length) throw new Error(`view batch answered ${results.length} results for ${ops.length} operations`);
    const statuses = results.map((r) => r.statusCode);
    if (statuses.some((s) => s === 412 || s === 409 || s === 404)) throw new ViewWriteConflictError(group);
    if (statuses.some((s) => s >= 400)) throw new Error(`view batch on ${group} refused by Cosmos DB with statuses ${statuses.join(",")}`);
    const etags = new Map<string, string>();
    ops.forEach((op, index) => {
      const etag = results[index]?.eTag;
      if (op.type === "put" && etag !== undefined) etags.set(op.row.id, etag);
    });
    return etags;
  }

  /**
   * One query in the group's partition, served by the range index on /sort. The groupKey filter
   * repeats the partition key: @vercel/cosmosdb-server ignores the partitionKey option.
   */
  async page<T>(group: string, after: string, limit: number): Promise<readonly SortedRow<T>[]> {
    const response = await withRetry(
      () =>
        this.container.items
          .query<{ sort: string; view: T }>(
            {
              query: "SELECT TOP @n c.sort, c.view FROM c WHERE c.groupKey = @group AND c.sort > @after ORDER BY c.sort ASC",
              parameters: [
                { name: "@n", value: limit },
                { name: "@group", value: group },
                { name: "@after", value: after },
              ],
            },
            { partitionKey: group },
          )
          .fetchAll(),
      this.retry,
    );
    recordCharge("views.page", response.requestCharge);
    return response.resources.map((r) => ({ sort: r.sort, value: r.view }));
  }

  /**
   * One cross-partition query served by the composite index (kind ASC, rank DESC, groupKey ASC)
   * of the views container: the filter's property leads the ORDER BY, as the index requires
   * (https://learn.microsoft.com/azure/cosmos-db/index-policy#composite-indexes).
   */
  async top<T>(kind: ViewKind, limit: number): Promise<readonly T[]> {
    const response = await withRetry(
      () =>
        this.container.items
          .query<{ view: T }>({
            query: "SELECT TOP @n c.view FROM c WHERE c.kind = @kind ORDER BY c.kind ASC, c.rank DESC, c.groupKey ASC",
            parameters: [
              { name: "@n", value: limit },
              { name: "@kind", value: kind },
            ],
          })
          .fetchAll(),
      this.retry,
    );
    recordCharge("views.top", response.requestCharge);
    return response.resources.map((r) => r.view);
  }
}
