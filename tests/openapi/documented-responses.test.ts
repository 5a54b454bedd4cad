import { describe, expect, it } from "vitest";
import { documentedPath, undocumented } from "../support/documented-responses.js";

const URN = "urn:eventsourcing-azure:problem:";
const problem = (kind: string, status: number) => ({ type: `${URN}${kind}`, title: "t", status, detail: "d" });
const paths = {
  "/api/orders/{orderNumber}": {
    get: {
      operationId: "getOrder",
      responses: {
        "200": {},
        "404": { content: { "application/problem+json": { schema: { properties: { type: { enum: [`${URN}order-not-found`] } } } } } },
      },
    },
  },
};
const url = (path: string) => new URL(`http://127.0.0.1${path}`);
const order = {
  orderNumber: "A-1",
  status: "ACCEPTED",
  hubId: 1,
  customer: { customerId: 2, deliveryAddress: { name: "n", street: "s", city: "c", zipCode: "z" } },
  articles: [{ article: "a", quantity: 1, price: 1 }],
  version: 2,
};

describe("holding a response to the OpenAPI document (the check every end-to-end request goes through)", () => {
  it("accepts a documented status with a body of its documented shape", () => {
    expect(undocumented(paths, "GET", url("/api/orders/A-1"), 200, order)).toBeUndefined();
    expect(undocumented(paths, "GET", url("/api/orders/A-1"), 404, problem("order-not-found", 404))).toBeUndefined();
  });

  it("refuses a status the operation does not document", () => {
    expect(undocumented(paths, "GET", url("/api/orders/A-1"), 409, problem("order-exists", 409))).toMatch(
      /answered 409, which \/api\/openapi.json does not document for getOrder/,
    );
  });

  it("refuses a problem type not listed for that status, and a body that is no problem", () => {
    expect(undocumented(paths, "GET", url("/api/orders/A-1"), 404, problem("view-not-found", 404))).toMatch(
      /view-not-found, not documented for getOrder/,
    );
    expect(undocumented(paths, "GET", url("/api/orders/A-1"), 404, "Not Found")).toMatch(/not a problem document/);
  });

  it("refuses a success body that misses a documented member", () => {
    const { version: _version, ...withoutVersion } = order;
    expect(undocumented(paths, "GET", url("/api/orders/A-1"), 200, withoutVersion)).toMatch(
      /does not match its documented schema: version/,
    );
  });

  it("expects 404 for a path the document lacks and 405 for a method it lacks", () => {
    expect(undocumented(paths, "GET", url("/api/nothing"), 404, problem("route-not-found", 404))).toBeUndefined();
    expect(undocumented(paths, "DELETE", url("/api/orders/A-1"), 405, problem("method-not-allowed", 405))).toBeUndefined();
    expect(undocumented(paths, "DELETE", url("/api/orders/A-1"), 404, problem("route-not-found", 404))).toMatch(/must answer 405/);
  });

  it("matches paths as the Functions host does: literals ignore case, parameters keep theirs", () => {
    expect(documentedPath(paths, "/API/Orders/A-1")).toBe("/api/orders/{orderNumber}");
    expect(documentedPath(paths, "/api/orders/")).toBeUndefined();
  });
});
