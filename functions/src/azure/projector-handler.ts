import type { InvocationContext } from "@azure/functions";
import type { RecordedEvent } from "../eventstore/event-store.js";
import type { ProjectionPorts } from "../projections/projection-engine.js";
import type { ViewStore } from "../projections/view-store.js";
import type { EventDocument } from "../eventstore/cosmos/event-document.js";
import { fromEventDocument } from "../eventstore/cosmos/event-document.js";
import { projectBatch } from "../projections/projection-engine.js";
import { HEADER_ID, PROJECTOR_STATUS_KEY } from "../projections/view-keys.js";
import { readRow, ViewWriteConflictError } from "../projections/view-store.js";
import { measureChargesSettled } from "../shared/request-charge.js";
import type { MetricSink } from "./app-insights-metrics.js";
import { metricsFromAppSettings, PROJECTION_LAG_METRIC } from "./app-insights-metrics.js";

export interface ProjectorStatus {
  readonly lastBatchAt: string;
  /** recordedAt of the newest event in the last batch. */
  readonly lastEventRecordedAt: string;
  /** Time from that event's append to the end of its projection. */
  readonly lagMs: number;
  readonly lastBatchSize: number;
}

function isEventDocument(value: unknown): value is EventDocument {
  const d = value as Partial<EventDocument> | null;
  return (
    typeof d?.streamId === "string" &&
    typeof d.version === "number" &&
    Number.isInteger(d.version) &&
    d.version > 0 &&
    typeof d.type === "string" &&
    typeof d.recordedAt === "string"
  );
}

/**
 * The change-feed projector. Throwing fails the invocation, and the trigger's retry policy
 * (exponential back-off, no limit) delivers the same batch again, so a transient error never
 * loses a change; poison events never throw, they go to dead letters inside projectBatch.
 * After each batch its lag goes to Application Insights as the metric ProjectionLagMs, which the
 * lag alert and the workbook read; by default through the app's own telemetry settings.
 */
export function createProjectorHandler(
  ports: ProjectionPorts,
  metrics: MetricSink = metricsFromAppSettings(process.env, (message) => {
    console.warn(`projector: ${message}`);
  }),
) {
  return async (documents: unknown[], context: InvocationContext): Promise<void> => {
    const events: RecordedEvent[] = [];
    for (const document of documents) {
      if (isEventDocument(document)) events.push(fromEventDocument(document));
      // Only the event store writes to this container; anything else is reported, not hidden.
      else context.error(`projector: ignoring a change-feed document that is not an event: ${JSON.stringify(document).slice(0, 300)}`);
    }
    const { outcome, requestUnits } = await measureChargesSettled(() => projectBatch(events, ports));
    if (outcome.status === "rejected") {
      context.error(`projector: batch of ${events.length} failed after ${requestUnits} RU; it will be delivered again`, outcome.reason);
      throw outcome.reason;
    }
    const newest = events.reduce<string | undefined>((max, e) => (max === undefined || e.recordedAt > max ? e.recordedAt : max), undefined);
    const now = ports.now();
    const lagMs = newest === undefined ? 0 : Math.max(0, now.getTime() - Date.parse(newest));
    const { applied, duplicates, deadLettered, ignored, writes } = outcome.value;
    // A stable, parseable line: the projection-lag alert and the workbook query it.
    context.log(
      `ProjectionBatch lagMs=${lagMs} events=${events.length} applied=${applied} duplicates=${duplicates} deadLettered=${deadLettered} ignored=${ignored} writes=${writes} requestUnits=${requestUnits}`,
    );
    if (newest === undefined) return;
    await Promise.all([
      recordStatus(
        ports.views,
        { lastBatchAt: now.toISOString(), lastEventRecordedAt: newest, lagMs, lastBatchSize: events.length },
        context,
      ),
      metrics.track(PROJECTION_LAG_METRIC, lagMs, { events: String(events.length) }),
    ]);
  };
}

/** Best effort: the status is advisory, so a lost race with another instance is fine. */
async function recordStatus(views: ViewStore, status: ProjectorStatus, context: InvocationContext): Promise<void> {
  try {
    const current = await readRow<ProjectorStatus>(views, PROJECTOR_STATUS_KEY, HEADER_ID);
    if (current && current.value.lastEventRecordedAt > status.lastEventRecordedAt) return;
    await views.commit(PROJECTOR_STATUS_KEY, [{ type: "put", row: { id: HEADER_ID, kind: "status", value: status }, etag: current?.etag }]);
  } catch (error) {
    if (!(error instanceof ViewWriteConflictError)) context.warn("projector: could not record its status", error);
  }
}
