import type { RecordedEvent } from "../eventstore/event-store.js";

export interface DeadLetter {
  readonly event: RecordedEvent;
  /** Why the projection refused the event. */
  readonly reason: string;
  readonly failedAt: string;
}

/** The DeadLetters port. Adding the same event twice (a redelivery) keeps one letter. */
export interface DeadLetterStore {
  add(letter: DeadLetter): Promise<void>;
  count(): Promise<number>;
  list(limit: number): Promise<readonly DeadLetter[]>;
}
