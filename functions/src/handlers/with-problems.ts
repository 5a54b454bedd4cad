import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { AppDependencies } from "./dependencies.js";
import { Problem } from "../application/problems.js";
import { storeErrorAsProblem } from "../application/store-errors-as-problems.js";
import { problemResponse } from "./http-responses.js";

/** The error boundary of every handler: problems render as problem+json, the rest as a logged 500. */
export function withProblems(deps: AppDependencies, handler: (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>): HttpHandler {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (thrown) {
      const error = storeErrorAsProblem(thrown);
      if (error instanceof Problem) return problemResponse(error);
      deps.log(`unhandled error in ${request.method} ${new URL(request.url).pathname}`, error);
      context.error(error);
      return problemResponse(new Problem("internal-error", "the request failed; see the server's log"));
    }
  };
}
