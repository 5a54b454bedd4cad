import type { Container, JSONObject } from "@azure/cosmos";
import type { RetryPolicy } from "../../eventstore/cosmos/cosmos-retry.js";
import type { ViewKind } from "../view-keys.js";
import type { StoredView, ViewStore, ViewWrite } from "../view-store.js";
import { DEFAULT_RETRY_POLICY, withRetry } from "../../eventstore/cosmos/cosmos-retry.js";
import { recordCharge } from "../../shared/request-charge.js";
import { PreconditionFailedError } from "../view-store.js";

/** A view as stored in the `views` container; `id` is the view key and the partition key. */
interface ViewDocument {
  readonly id: string;
  readonly kind: ViewKind;
  readonly rank: number | null;
  readonly view: unknown;
}

const statusOf = (error: unknown): unknown => (error as { code?: unknown }).code;

/**
 * Views on Cosmos DB: one document per view key in its own logical partition, so a read is a
 * 1 RU point read and a write is conditional on the `_etag` read (412 on a lost race, 409 when
 * a "must not exist" create finds the document).
 */
export class CosmosViewStore implements ViewStore {
  readonly kind = "cosmos";

  constructor(
    private readonly container: Container,
    private readonly retry: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  async get<T>(key: string): Promise<StoredView<T> | undefined> {
    const response = await withRetry(() => this.container.item(key, key).read<ViewDocument>(), this.retry);
    recordCharge("views.get", response.requestCharge);
    const { resource, etag } = response;
    return resource ? { value: resource.view as T, etag } : undefined;
  }

  async put(write: ViewWrite, etag: string | undefined): Promise<string> {
    const document = { id: write.key, kind: write.kind, rank: write.rank ?? null, view: write.value } satisfies ViewDocument as unknown as JSONObject;
    try {
      const response = await withRetry(
        () =>
          etag === undefined
            ? this.container.items.create(document)
            : this.container.item(write.key, write.key).replace(document, { accessCondition: { type: "IfMatch", condition: etag } }),
        this.retry,
      );
      recordCharge("views.put", response.requestCharge);
      return response.etag;
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 409 || (status === 404 && etag !== undefined)) throw new PreconditionFailedError(write.key);
      throw error;
    }
  }

  /**
   * Highest rank first, ties by key. Two queries that any Cosmos endpoint answers (no composite
   * index needed): the rank of the N-th document, then every document at or above it, ordered here.
   */
  async top<T>(kind: ViewKind, limit: number): Promise<readonly T[]> {
    const ranks = await withRetry(
      () =>
        this.container.items
          .query<number>({
            query: "SELECT TOP @n VALUE c.rank FROM c WHERE c.kind = @kind ORDER BY c.rank DESC",
            parameters: [
              { name: "@n", value: limit },
              { name: "@kind", value: kind },
            ],
          })
          .fetchAll(),
      this.retry,
    );
    recordCharge("views.topRanks", ranks.requestCharge);
    const threshold = ranks.resources.at(-1);
    if (threshold === undefined) return [];
    const docs = await withRetry(
      () =>
        this.container.items
          .query<ViewDocument>({
            query: "SELECT * FROM c WHERE c.kind = @kind AND c.rank >= @rank",
            parameters: [
              { name: "@kind", value: kind },
              { name: "@rank", value: threshold },
            ],
          })
          .fetchAll(),
      this.retry,
    );
    recordCharge("views.topDocuments", docs.requestCharge);
    return docs.resources
      .sort((a, b) => (b.rank ?? 0) - (a.rank ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit)
      .map((d) => d.view as T);
  }
}
