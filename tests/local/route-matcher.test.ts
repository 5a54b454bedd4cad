import { describe, expect, it } from "vitest";
import type { AppDependencies } from "../../functions/src/handlers/dependencies.js";
import { createRoutes } from "../../functions/src/handlers/routes.js";
import { RouteMatcher } from "../../functions/src/local/route-matcher.js";

const matcher = new RouteMatcher(createRoutes({} as AppDependencies));
const found = (method: string, path: string) => {
  const match = matcher.match(method, path);
  return match.kind === "found" ? { name: match.route.name, params: match.params } : match.kind;
};

describe("the local route matcher, matching as the Functions host does", () => {
  it("matches literal segments and the /api prefix whatever their case", () => {
    expect(found("GET", "/api/orders/A-1")).toEqual({ name: "getOrder", params: { orderNumber: "A-1" } });
    expect(found("GET", "/API/Orders/A-1")).toEqual({ name: "getOrder", params: { orderNumber: "A-1" } });
    expect(found("POST", "/Api/ORDERS/a-1/Start-Picking")).toEqual({ name: "startPicking", params: { orderNumber: "a-1" } });
    expect(found("GET", "/api/Views/Hubs/10001/DAYS/2026-11-27")).toEqual({
      name: "getHubDayView",
      params: { hubId: "10001", day: "2026-11-27" },
    });
  });

  it("keeps parameters as they were sent, decoded", () => {
    expect(found("GET", "/api/streams/Order-AbC%3A1/events")).toEqual({ name: "readStream", params: { streamId: "Order-AbC:1" } });
  });

  it("answers wrong-method with the allowed methods, and not-found for anything else", () => {
    expect(matcher.match("DELETE", "/API/ORDERS/A-1")).toEqual({ kind: "wrong-method", allowed: ["GET"] });
    expect(found("GET", "/apis/orders/A-1")).toBe("not-found");
    expect(found("GET", "/api/orders/A-1/extra/segment")).toBe("not-found");
    expect(found("GET", "/api/orders/")).toBe("not-found");
    expect(found("GET", "/api/streams/%E0%A4%A/events")).toBe("not-found");
  });
});
