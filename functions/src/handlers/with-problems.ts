import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { Problem } from "../application/problems.js";
import { EventIdConflictError, EventStoreError, StoreUnavailableError, WrongExpectedVersionError } from "../eventstore/errors.js";
import { measureChargesSettled } from "../shared/request-charge.js";
import { problemResponse } from "./http-responses.js";

/** Header with the request units (Cosmos DB) a request spent; absent on stores that charge none. */
export const REQUEST_CHARGE_HEADER = "x-request-charge";

/**
 * Every handler's frame: the error boundary (problems render as problem+json, anything else as
 * a logged 500) and the request-unit meter, whose total goes out in x-request-charge.
 */
export function withProblems(handler: (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>): HttpHandler {
  return async (request, context) => {
    const { outcome, requestUnits, operations, detail } = await measureChargesSettled(() => handler(request, context));
    const response = outcome.status === "fulfilled" ? outcome.value : toProblemResponse(request, context, outcome.reason);
    if (operations === 0) return response;
    context.log(
      `${request.method} ${new URL(request.url).pathname}: ${response.status ?? 200} after ${operations} store operations, ${requestUnits} RU (${detail.join(" ")})`,
    );
    return { ...response, headers: { ...(response.headers as Record<string, string>), [REQUEST_CHARGE_HEADER]: String(requestUnits) } };
  };
}

/** The one place where the store's error family becomes problems; anything else passes through unchanged. */
export function storeErrorAsProblem(error: unknown): unknown {
  if (!(error instanceof EventStoreError)) return error;
  if (error instanceof WrongExpectedVersionError) {
    return new Problem("wrong-expected-version", error.message, {
      streamId: error.streamId,
      expectedVersion: error.expectedVersion,
      currentVersion: error.currentVersion,
    });
  }
  if (error instanceof EventIdConflictError)
    return new Problem("event-id-conflict", error.message, { streamId: error.streamId, eventId: error.eventId });
  if (error instanceof StoreUnavailableError) {
    return new Problem(
      "store-unavailable",
      error.message,
      {},
      { "retry-after": String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) },
    );
  }
  return error;
}

function toProblemResponse(request: HttpRequest, context: InvocationContext, thrown: unknown): HttpResponseInit {
  const error = storeErrorAsProblem(thrown);
  if (error instanceof Problem) {
    // A 500 problem (an unreadable stored event) is a fault to fix, not a client's mistake: logged like any.
    if (error.status === 500) context.error(`${error.kind} in ${request.method} ${new URL(request.url).pathname}: ${error.detail}`);
    return problemResponse(error);
  }
  // Through the invocation's logger: on Azure it carries the invocation id; locally it prints the stack.
  context.error(`unhandled error in ${request.method} ${new URL(request.url).pathname}`, error);
  return problemResponse(new Problem("internal-error", "the request failed; see the server's log"));
}
