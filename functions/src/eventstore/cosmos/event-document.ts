import type { JsonObject, RecordedEvent } from "../event-store.js";

/**
 * One event as stored in the `events` container. `id` is the version, so within a stream (one
 * logical partition) a version can be taken once: a second writer gets 409, never a duplicate.
 */
export interface EventDocument {
  readonly id: string;
  readonly streamId: string;
  readonly version: number;
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: JsonObject;
  readonly recordedAt: string;
}

export function toEventDocument(event: RecordedEvent): EventDocument {
  const { streamId, version, eventId, type, data, metadata, recordedAt } = event;
  return { id: String(version), streamId, version, eventId, type, data, metadata, recordedAt };
}

/** Reads an event back from a stored document (or a change-feed item, which carries system fields too). */
export function fromEventDocument(document: EventDocument): RecordedEvent {
  const { streamId, version, eventId, type, data, metadata, recordedAt } = document;
  return { streamId, version, eventId, type, data, metadata, recordedAt };
}
