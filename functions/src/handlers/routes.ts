import type { HttpHandler, HttpMethod } from "@azure/functions";
import type { AppDependencies } from "./dependencies.js";
import { recentEventsHandler } from "../dashboard/recent-events-handler.js";
import { getOrderHandler, orderCommandHandlers, placeOrderHandler } from "./order-handlers.js";
import { appendEventsHandler, readStreamHandler } from "./stream-handlers.js";
import { customerViewHandler, healthHandler, hubDayViewHandler, orderViewHandler, topCustomersHandler } from "./view-handlers.js";

export interface RouteDefinition {
  /** Function name on Azure. */
  readonly name: string;
  readonly methods: readonly HttpMethod[];
  /** Route template under /api, in the Functions syntax. */
  readonly route: string;
  /** Health is anonymous so probes need no key; everything else takes a function key on Azure. */
  readonly authLevel: "anonymous" | "function";
  readonly handler: HttpHandler;
}

/** Every route of the HTTP API v1: the one table both runtimes register. */
export function createRoutes(deps: AppDependencies): RouteDefinition[] {
  const commands = orderCommandHandlers(deps);
  const fn = (name: string, method: HttpMethod, route: string, handler: HttpHandler): RouteDefinition => ({ name, methods: [method], route, authLevel: "function", handler });
  return [
    fn("appendEvents", "POST", "streams/{streamId}/events", appendEventsHandler(deps)),
    fn("readStream", "GET", "streams/{streamId}/events", readStreamHandler(deps)),
    fn("placeOrder", "POST", "orders", placeOrderHandler(deps)),
    fn("getOrder", "GET", "orders/{orderNumber}", getOrderHandler(deps)),
    fn("acceptOrder", "POST", "orders/{orderNumber}/accept", commands.accept),
    fn("updateOrderArticles", "PUT", "orders/{orderNumber}/articles", commands.articles),
    fn("startPicking", "POST", "orders/{orderNumber}/start-picking", commands.startPicking),
    fn("dispatchOrder", "POST", "orders/{orderNumber}/dispatch", commands.dispatch),
    fn("deliverOrder", "POST", "orders/{orderNumber}/deliver", commands.deliver),
    fn("cancelOrder", "POST", "orders/{orderNumber}/cancel", commands.cancel),
    fn("getCustomerView", "GET", "views/customers/{customerId}", customerViewHandler(deps)),
    fn("getTopCustomers", "GET", "views/customers", topCustomersHandler(deps)),
    fn("getHubDayView", "GET", "views/hubs/{hubId}/days/{day}", hubDayViewHandler(deps)),
    fn("getOrderView", "GET", "views/orders/{orderNumber}", orderViewHandler(deps)),
    fn("readFeed", "GET", "feed", recentEventsHandler(deps)),
    { name: "health", methods: ["GET"], route: "health", authLevel: "anonymous", handler: healthHandler(deps) },
  ];
}
