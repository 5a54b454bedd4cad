import type { HttpResponseInit } from "@azure/functions";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RouteDefinition } from "../handlers/routes.js";
import { InvocationContext } from "../shared/azure-functions-runtime.js";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { Problem } from "../application/problems.js";
import { problemResponse } from "../handlers/http-responses.js";
import { MAX_BODY_BYTES } from "../handlers/read-json-body.js";
import { BufferedHttpRequest } from "./buffered-http-request.js";
import { RouteMatcher } from "./route-matcher.js";

export interface DevServerOptions {
  readonly routes: readonly RouteDefinition[];
  readonly port: number;
  readonly log: (message: string, error?: unknown) => void;
}

class BodyTooLarge extends Error {}

/** Reads the body, refusing more than 1 MiB without buffering the excess. */
function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners("data");
        request.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => {
      resolve(Buffer.concat(chunks));
    });
    request.on("error", reject);
  });
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function send(response: ServerResponse, init: HttpResponseInit, close = false): void {
  const headers = new Headers(init.headers);
  const body = typeof init.body === "string" ? init.body : init.jsonBody === undefined ? "" : JSON.stringify(init.jsonBody);
  if (close) headers.set("connection", "close");
  response.writeHead(init.status ?? 200, Object.fromEntries(headers));
  response.end(body);
}

/**
 * Serves the route table on 127.0.0.1 only, turning each Node request into the same
 * HttpRequest the Functions host builds, so the handlers run unchanged.
 */
export class DevServer {
  private readonly server: Server;
  private readonly matcher: RouteMatcher;
  private inFlight = 0;
  private drained: (() => void) | undefined;

  constructor(private readonly options: DevServerOptions) {
    this.matcher = new RouteMatcher(options.routes);
    this.server = createServer((request, response) => {
      this.inFlight++;
      this.handle(request, response)
        .catch((error: unknown) => {
          options.log("request failed outside its handler", error);
          if (!response.headersSent)
            send(response, problemResponse(new Problem("internal-error", "the request failed; see the server's log")));
        })
        .finally(() => {
          this.inFlight--;
          if (this.inFlight === 0) this.drained?.();
        });
    });
    // Requests Node's parser refuses (bad headers, oversized headers, smuggling attempts) get a
    // problem document too, then the connection closes.
    this.server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return;
      const problem = new Problem(
        error.code === "HPE_HEADER_OVERFLOW" ? "headers-too-large" : "malformed-request",
        error.code ?? "the request could not be parsed",
      );
      const body = JSON.stringify(problem);
      socket.end(
        `HTTP/1.1 ${problem.status} ${problem.title}\r\ncontent-type: application/problem+json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    });
    // Node closes a connection idle for 5 s by default (Node.js docs, server.keepAliveTimeout) and
    // announces it as `Keep-Alive: timeout=5`; fetch (undici) drops an idle connection 2 s before
    // the announced limit (undici Client docs, keepAliveTimeoutThreshold). When the server stalls
    // longer than that margin, as on a loaded machine, its expired keep-alive timers run before it
    // reads requests sent meanwhile, and it resets their connections: fetch does not retry a POST,
    // so an append fails with "other side closed". At 65 s a connection must first sit idle for a
    // minute, which busy clients never do.
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
    this.server.maxHeadersCount = 100;
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port, "127.0.0.1", () => {
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops accepting connections and waits for requests in flight to finish. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
    this.server.closeIdleConnections();
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = (request.method ?? "GET").toUpperCase();
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    // The site's root is the live dashboard, as /api/dashboard is on Azure.
    const match = this.matcher.match(method, url.pathname === "/" ? "/api/dashboard" : url.pathname);
    if (match.kind === "not-found") {
      request.resume();
      send(response, problemResponse(new Problem("route-not-found", `no route for ${method} ${url.pathname.slice(0, 200)}`)));
      return;
    }
    if (match.kind === "wrong-method") {
      request.resume();
      const problem = problemResponse(
        new Problem("method-not-allowed", `${method} is not allowed here; allowed: ${match.allowed.join(", ")}`),
      );
      send(response, { ...problem, headers: { ...(problem.headers as Record<string, string>), allow: match.allowed.join(", ") } });
      return;
    }
    const declared = Number(request.headers["content-length"] ?? "0");
    let body: Buffer;
    try {
      if (declared > MAX_BODY_BYTES) throw new BodyTooLarge();
      body = await readBody(request);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      // Answer at once and close: the rest of the body is never read.
      send(response, problemResponse(new Problem("payload-too-large", `the limit is ${MAX_BODY_BYTES} bytes`)), true);
      return;
    }
    // GET and HEAD carry no body, as on the Functions host.
    const bytes = method === "GET" || method === "HEAD" ? Buffer.alloc(0) : body;
    const httpRequest = new BufferedHttpRequest(
      { method, url: url.toString(), headers: headersOf(request), params: match.params, query: Object.fromEntries(url.searchParams) },
      bytes,
    );
    const context = new InvocationContext({
      functionName: match.route.name,
      invocationId: randomUUID(),
      logHandler: (level, ...args) => {
        if (level === "error" || level === "warning") {
          const texts = args.filter((a) => !(a instanceof Error)).map(String);
          this.options.log(
            `${match.route.name}: ${texts.join(" ")}`,
            args.find((a) => a instanceof Error),
          );
        }
      },
    });
    send(response, await match.route.handler(httpRequest, context));
  }
}
