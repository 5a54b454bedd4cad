import type { RouteDefinition } from "../handlers/routes.js";
import { z } from "../domain/schema.js";
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
    doc: {
      summary: "The live dashboard: events, views, lag and a generator, in one page",
      description:
        "An HTML page with its script and style inline. Open it as /api/dashboard#key=<function key>: the page sends the key from the fragment as x-functions-key.",
      tag: "operations",
      responses: { 200: { description: "The page.", body: z.string(), mediaType: "text/html" } },
      problems: [],
      touchesStore: false,
    },
  };
}
