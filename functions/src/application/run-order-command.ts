import type { EventStore } from "../eventstore/event-store.js";
import type { OrderCommand } from "../domain/order-command-requests.js";
import type { PlacedOrder } from "../domain/order-state.js";
import { orderStreamId } from "../domain/identifiers.js";
import { decide } from "../domain/order-decider.js";
import { ORDER_EVENT_SCHEMA_VERSIONS } from "../domain/order-event-versions.js";
import { fold } from "../domain/order-state.js";
import { WrongExpectedVersionError } from "../eventstore/errors.js";
import { loadOrder } from "./load-order.js";
import { Problem } from "./problems.js";

/** Conflicts retried before giving up when the caller sent no If-Match; default 10. */
const MAX_CONFLICT_RETRIES = 10;

export interface CommandOutcome {
  readonly order: PlacedOrder;
  readonly version: number;
  /** False when the command was already satisfied and nothing was appended. */
  readonly changed: boolean;
}

/**
 * Runs a command through the decider: load, decide, append at the version read. With
 * `ifMatch` the caller's version must be current (else 412); without it a concurrent append is
 * retried on fresh state, so the decision is always taken on what is stored. Store errors are
 * left to the error boundary to answer.
 */
export async function handleOrderCommand(
  store: EventStore,
  command: OrderCommand,
  options: { ifMatch?: number | undefined; newId: () => string },
): Promise<CommandOutcome> {
  const streamId = orderStreamId(command.orderNumber);
  for (let attempt = 0; ; attempt++) {
    const { state, version } = await loadOrder(store, command.orderNumber);
    if (options.ifMatch !== undefined && state.exists && options.ifMatch !== version) {
      throw new Problem("precondition-failed", `order ${command.orderNumber} is at version ${version}, If-Match named ${options.ifMatch}`, {
        currentVersion: version,
      });
    }
    const decision = decide(command, state);
    if (!decision.ok) throw new Problem(decision.rejection.kind, decision.rejection.detail);
    if (decision.events.length === 0) {
      if (!state.exists) throw new Problem("order-not-found", `order ${command.orderNumber} does not exist`);
      return { order: state, version, changed: false };
    }
    const events = decision.events.map((e) => ({
      eventId: options.newId(),
      type: e.type,
      schemaVersion: ORDER_EVENT_SCHEMA_VERSIONS[e.type],
      data: e.data,
      metadata: {},
    }));
    try {
      const result = await store.append(streamId, events, version);
      const next = fold(decision.events, state);
      if (!next.exists) throw new Error("an accepted command left the order non-existent");
      return { order: next, version: result.lastVersion, changed: true };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      if (options.ifMatch !== undefined) {
        throw new Problem("precondition-failed", `order ${command.orderNumber} changed while the command ran`, {
          currentVersion: error.currentVersion,
        });
      }
      if (attempt >= MAX_CONFLICT_RETRIES) throw error;
    }
  }
}
