import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the proxy does with one request. */
export type Fault =
  | { kind: "pass" }
  | { kind: "status"; status: 429 | 503 | 408; retryAfterMs?: number }
  /** Closes the connection without forwarding: the store never sees the request. */
  | { kind: "drop-before" }
  /** Forwards, lets the store commit, then closes the connection: the answer is lost. */
  | { kind: "drop-after" }
  | { kind: "delay"; ms: number };

/** How the stand-in answered a request the proxy forwarded late: its status, or why no answer came. */
export type LateAnswer = { status: number; body: string } | { error: string };

export interface FaultProxy {
  readonly endpoint: string;
  /** Decides each request's fate; `seen` counts requests so far, this one included. */
  plan: (request: IncomingMessage, seen: number) => Fault;
  readonly log: string[];
  /**
   * One per delayed request, in arrival order: settles once the stand-in has answered it, whether
   * or not the client still waits for the answer. A test of a late request awaits it, rather than
   * a sleep that may end before the request has landed.
   */
  readonly delayed: Promise<LateAnswer>[];
  close(): Promise<void>;
}

/** A fault-injecting HTTP proxy in front of a Cosmos endpoint (cosmosdb-server over plain HTTP). */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  let seen = 0;
  const proxy: FaultProxy = {
    endpoint: "",
    plan: () => ({ kind: "pass" }),
    log: [],
    delayed: [],
    close: () => Promise.resolve(),
  };
  const server: Server = createServer((request, response) => {
    seen++;
    const fault = proxy.plan(request, seen);
    proxy.log.push(`${request.method} ${request.url} ${fault.kind}${fault.kind === "status" ? ` ${fault.status}` : ""}`);
    if (fault.kind === "drop-before") {
      request.socket.destroy();
      return;
    }
    if (fault.kind === "status") {
      request.resume();
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (fault.retryAfterMs !== undefined) headers["x-ms-retry-after-ms"] = String(fault.retryAfterMs);
      response.writeHead(fault.status, headers);
      response.end(
        JSON.stringify({ code: fault.status === 429 ? "TooManyRequests" : "ServiceUnavailable", message: `injected ${fault.status}` }),
      );
      return;
    }
    // The body is read as it arrives: a delayed request has reached the store even if its client
    // gives up before it is forwarded, as a slow Cosmos DB may still run a request the client
    // has timed out.
    const body = new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        resolve(Buffer.concat(chunks));
      });
    });
    const forward = (sent: Buffer) =>
      new Promise<LateAnswer>((resolve) => {
        const upstreamRequest = httpRequest(
          { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers },
          (upstreamResponse) => {
            const chunks: Buffer[] = [];
            upstreamResponse.on("data", (chunk: Buffer) => chunks.push(chunk));
            upstreamResponse.on("end", () => {
              resolve({ status: upstreamResponse.statusCode ?? 502, body: Buffer.concat(chunks).toString() });
            });
            if (fault.kind === "drop-after" || request.socket.destroyed) {
              upstreamResponse.resume();
              upstreamResponse.on("end", () => request.socket.destroy());
              return;
            }
            response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
            upstreamResponse.pipe(response);
          },
        );
        upstreamRequest.on("error", (error) => {
          request.socket.destroy();
          resolve({ error: error.message });
        });
        upstreamRequest.end(sent);
      });
    if (fault.kind === "delay") {
      const ms = fault.ms;
      const later = (sent: Buffer) =>
        new Promise<LateAnswer>((resolve) =>
          setTimeout(() => {
            resolve(forward(sent));
          }, ms),
        );
      proxy.delayed.push(body.then(later));
    } else void body.then(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(proxy, {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  });
}
