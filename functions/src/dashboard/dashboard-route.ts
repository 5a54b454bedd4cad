import type { RouteDefinition } from "../handlers/routes.js";
import { loadDashboardPage } from "./page-source.js";

/**
 * GET /api/dashboard (and / on the local server): the live dashboard. Anonymous, as a page must
 * be; its data calls carry the function key the page reads from its URL fragment (#key=…),
 * which browsers never send to a server.
 */
export function dashboardRoute(): RouteDefinition {
  return {
    name: "dashboard",
    methods: ["GET"],
    route: "dashboard",
    authLevel: "anonymous",
    handler: async () => {
      const page = await loadDashboardPage();
      return { status: 200, headers: { ...page.headers }, body: page.html };
    },
  };
}
