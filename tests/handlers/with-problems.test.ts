import { describe, expect, it } from "vitest";
import { Problem } from "../../functions/src/application/problems.js";
import { WrongExpectedVersionError } from "../../functions/src/eventstore/errors.js";
import { withProblems } from "../../functions/src/handlers/with-problems.js";
import { HttpRequest, InvocationContext } from "../../functions/src/shared/azure-functions-runtime.js";

const request = () => new HttpRequest({ method: "GET", url: "http://localhost/api/health" });

describe("the handlers' error boundary", () => {
  it("renders a Problem as problem+json with its status and headers", async () => {
    const handler = withProblems(() => Promise.reject(new Problem("store-unavailable", "busy", {}, { "retry-after": "2" })));
    const response = await handler(request(), new InvocationContext({ functionName: "t" }));
    expect(response.status).toBe(503);
    expect(response.headers).toMatchObject({ "content-type": "application/problem+json; charset=utf-8", "retry-after": "2" });
    expect(JSON.parse(response.body as string)).toMatchObject({
      type: "urn:eventsourcing-azure:problem:store-unavailable",
      status: 503,
      detail: "busy",
    });
  });

  it("maps the store's errors onto their problems", async () => {
    const handler = withProblems(() => Promise.reject(new WrongExpectedVersionError("s", 1, 3)));
    const response = await handler(request(), new InvocationContext({ functionName: "t" }));
    expect(response.status).toBe(409);
    expect(JSON.parse(response.body as string)).toMatchObject({ currentVersion: 3, expectedVersion: 1 });
  });

  it("answers anything else with a 500 that reveals nothing, and logs the error with the invocation", async () => {
    const logged: unknown[][] = [];
    const context = new InvocationContext({ functionName: "t", logHandler: (level, ...args) => logged.push([level, ...args]) });
    const handler = withProblems(() => Promise.reject(new Error("secret internals")));
    const response = await handler(request(), context);
    expect(response.status).toBe(500);
    expect(response.body).not.toContain("secret internals");
    expect(logged).toEqual([["error", "unhandled error in GET /api/health", expect.objectContaining({ message: "secret internals" })]]);
  });
});
