import type { RouteDefinition } from "../handlers/routes.js";

export type RouteMatch =
  | { kind: "found"; route: RouteDefinition; params: Record<string, string> }
  | { kind: "wrong-method"; allowed: string[] }
  | { kind: "not-found" };

interface CompiledRoute {
  readonly route: RouteDefinition;
  readonly segments: readonly ({ param: string } | { literal: string })[];
}

/**
 * Matches /api/... paths against the Functions route templates, as the Functions host does.
 * The host routes with ASP.NET Core's route templates (WebJobsRouter in
 * Azure/azure-webjobs-sdk-extensions, Microsoft.Azure.WebJobs.Extensions.Http), whose literal
 * segments, the /api prefix among them, match whatever their case: `/API/Orders/A-1` reaches
 * `orders/{orderNumber}` (Azure/azure-functions-host issue 7918 asks for an option to make it
 * case-sensitive). Parameters keep the case they were sent in.
 */
export class RouteMatcher {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly RouteDefinition[]) {
    this.compiled = routes.map((route) => ({
      route,
      segments: route.route
        .split("/")
        .map((s) => (s.startsWith("{") && s.endsWith("}") ? { param: s.slice(1, -1) } : { literal: s.toLowerCase() })),
    }));
  }

  match(method: string, pathname: string): RouteMatch {
    if (pathname.slice(0, "/api/".length).toLowerCase() !== "/api/") return { kind: "not-found" };
    const parts = pathname.slice("/api/".length).split("/");
    const allowed: string[] = [];
    for (const { route, segments } of this.compiled) {
      if (segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const matches = segments.every((segment, i) => {
        const part = parts[i] ?? "";
        if ("literal" in segment) return segment.literal === part.toLowerCase();
        let decoded: string;
        try {
          decoded = decodeURIComponent(part);
        } catch {
          return false;
        }
        if (decoded === "") return false;
        params[segment.param] = decoded;
        return true;
      });
      if (!matches) continue;
      if (route.methods.includes(method as never)) return { kind: "found", route, params };
      allowed.push(...route.methods);
    }
    return allowed.length > 0 ? { kind: "wrong-method", allowed } : { kind: "not-found" };
  }
}
