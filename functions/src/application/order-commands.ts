import type { EventStore, RecordedEvent } from "../eventstore/event-store.js";
import type { OrderCommand } from "../domain/order-commands.js";
import type { OrderEvent } from "../domain/order-events.js";
import type { OrderState, PlacedOrder } from "../domain/order-state.js";
import { orderStreamId } from "../domain/identifiers.js";
import { decide } from "../domain/order-decider.js";
import { validateOrderEvent } from "../domain/order-events.js";
import { fold } from "../domain/order-state.js";
import { WrongExpectedVersionError } from "../eventstore/errors.js";
import { Problem } from "./problems.js";
import { storeErrorAsProblem } from "./store-errors-as-problems.js";

/** Conflicts retried before giving up when the caller sent no If-Match; default 10. */
const MAX_CONFLICT_RETRIES = 10;
const PAGE = 1000;

export interface LoadedOrder {
  readonly state: OrderState;
  readonly version: number;
}

export interface CommandOutcome {
  readonly order: PlacedOrder;
  readonly version: number;
  /** False when the command was already satisfied and nothing was appended. */
  readonly changed: boolean;
}

function toOrderEvents(events: readonly RecordedEvent[]): OrderEvent[] {
  const result: OrderEvent[] = [];
  for (const e of events) {
    const checked = validateOrderEvent(e.type, e.data);
    if (checked.ok) result.push(checked.event);
  }
  return result;
}

/** Reads the whole order stream and folds it. */
export async function loadOrder(store: EventStore, orderNumber: string): Promise<LoadedOrder> {
  const streamId = orderStreamId(orderNumber);
  let state: OrderState = fold([]);
  for (let from = 1; ; from += PAGE) {
    const slice = await store.read(streamId, { fromVersion: from, maxCount: PAGE });
    state = fold(toOrderEvents(slice.events), state);
    if (slice.events.length < PAGE || from + PAGE > slice.version) return { state, version: slice.version };
  }
}

/**
 * Runs a command through the decider: load, decide, append at the version read. With
 * `ifMatch` the caller's version must be current (else 412); without it a concurrent append is
 * retried on fresh state, so the decision is always taken on what is stored.
 */
export async function handleOrderCommand(
  store: EventStore,
  command: OrderCommand,
  options: { ifMatch?: number | undefined; newId: () => string },
): Promise<CommandOutcome> {
  const streamId = orderStreamId(command.orderNumber);
  for (let attempt = 0; ; attempt++) {
    const { state, version } = await loadOrder(store, command.orderNumber).catch((e: unknown) => {
      throw storeErrorAsProblem(e);
    });
    if (options.ifMatch !== undefined && state.exists && options.ifMatch !== version) {
      throw new Problem("precondition-failed", `order ${command.orderNumber} is at version ${version}, If-Match named ${options.ifMatch}`, { currentVersion: version });
    }
    const decision = decide(command, state);
    if (!decision.ok) throw new Problem(decision.rejection.kind, decision.rejection.detail);
    if (decision.events.length === 0) {
      if (!state.exists) throw new Problem("order-not-found", `order ${command.orderNumber} does not exist`);
      return { order: state, version, changed: false };
    }
    const events = decision.events.map((e) => ({ eventId: options.newId(), type: e.type, data: e.data, metadata: {} }));
    try {
      const result = await store.append(streamId, events, version);
      const next = fold(decision.events, state);
      if (!next.exists) throw new Error("an accepted command left the order non-existent");
      return { order: next, version: result.lastVersion, changed: true };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw storeErrorAsProblem(error);
      if (options.ifMatch !== undefined) {
        throw new Problem("precondition-failed", `order ${command.orderNumber} changed while the command ran`, { currentVersion: error.currentVersion });
      }
      if (attempt >= MAX_CONFLICT_RETRIES) throw storeErrorAsProblem(error);
    }
  }
}
