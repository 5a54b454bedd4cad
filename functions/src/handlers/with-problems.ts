import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { Problem } from "../application/problems.js";
import { storeErrorAsProblem } from "../application/store-errors-as-problems.js";
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
    context.log(`${request.method} ${new URL(request.url).pathname}: ${response.status ?? 200} after ${operations} store operations, ${requestUnits} RU (${detail.join(" ")})`);
    return { ...response, headers: { ...(response.headers as Record<string, string>), [REQUEST_CHARGE_HEADER]: String(requestUnits) } };
  };
}

function toProblemResponse(request: HttpRequest, context: InvocationContext, thrown: unknown): HttpResponseInit {
  const error = storeErrorAsProblem(thrown);
  if (error instanceof Problem) return problemResponse(error);
  // Through the invocation's logger: on Azure it carries the invocation id; locally it prints the stack.
  context.error(`unhandled error in ${request.method} ${new URL(request.url).pathname}`, error);
  return problemResponse(new Problem("internal-error", "the request failed; see the server's log"));
}
