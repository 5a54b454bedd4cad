import type { JsonObject, RecordedEvent } from "../event-store.js";
import { currentShapes } from "../upcasting.js";

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
  /** Absent on documents written before events carried a schema version: those are version 1. */
  readonly schemaVersion?: number;
  readonly data: unknown;
  readonly metadata: JsonObject;
  readonly recordedAt: string;
}

/** The document of an event about to be written; `schemaVersion` absent means 1, as for a NewEvent. */
export function toEventDocument(event: Omit<RecordedEvent, "schemaVersion"> & { readonly schemaVersion?: number }): EventDocument {
  const { streamId, version, eventId, type, schemaVersion = 1, data, metadata, recordedAt } = event;
  return { id: String(version), streamId, version, eventId, type, schemaVersion, data, metadata, recordedAt };
}

/**
 * Reads an event back from a stored document (or a change-feed item, which carries system fields
 * too). Stream reads and the change-feed projector both come through here, and so through the
 * upcasters: no reader sees an old shape.
 */
export function fromEventDocument(document: EventDocument): RecordedEvent {
  const { streamId, version, eventId, type, schemaVersion = 1, data, metadata, recordedAt } = document;
  return currentShapes({ streamId, version, eventId, type, schemaVersion, data, metadata, recordedAt });
}
