import type { Container, JSONObject } from "@azure/cosmos";
import type { RecordedEvent } from "../../eventstore/event-store.js";
import type { RetryPolicy } from "../../eventstore/cosmos/cosmos-retry.js";
import type { DeadLetter, DeadLetterStore } from "../dead-letters.js";
import { DEFAULT_RETRY_POLICY, withRetry } from "../../eventstore/cosmos/cosmos-retry.js";
import { recordCharge } from "../../shared/request-charge.js";

interface DeadLetterDocument {
  readonly id: string;
  readonly streamId: string;
  readonly version: number;
  readonly reason: string;
  readonly failedAt: string;
  readonly event: RecordedEvent;
}

/** Dead letters on Cosmos DB: one document per (stream, version), so a redelivery adds none. */
export class CosmosDeadLetters implements DeadLetterStore {
  constructor(
    private readonly container: Container,
    private readonly retry: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  async add(letter: DeadLetter): Promise<void> {
    const { event } = letter;
    const document: DeadLetterDocument = {
      id: String(event.version),
      streamId: event.streamId,
      version: event.version,
      reason: letter.reason,
      failedAt: letter.failedAt,
      event,
    };
    try {
      const response = await withRetry(() => this.container.items.create(document as unknown as JSONObject), this.retry);
      recordCharge("deadLetters.add", response.requestCharge);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 409) throw error;
    }
  }

  async count(): Promise<number> {
    const response = await withRetry(() => this.container.items.query<number>("SELECT VALUE COUNT(1) FROM c").fetchAll(), this.retry);
    recordCharge("deadLetters.count", response.requestCharge);
    return response.resources.reduce((sum, n) => sum + n, 0);
  }

  async list(limit: number): Promise<readonly DeadLetter[]> {
    const response = await withRetry(
      () =>
        this.container.items
          .query<DeadLetterDocument>({ query: "SELECT TOP @n * FROM c ORDER BY c.failedAt", parameters: [{ name: "@n", value: limit }] })
          .fetchAll(),
      this.retry,
    );
    recordCharge("deadLetters.list", response.requestCharge);
    return response.resources.map(({ event, reason, failedAt }) => ({ event, reason, failedAt }));
  }
}
