/**
 * The HTTP ceiling of this machine for our append request: a minimal Node server that does what
 * any server must for POST /api/streams/{streamId}/events, and nothing else. It reads the body,
 * checks the media type, parses the JSON, gives each event an id and a version in memory, and
 * answers 201 with the same body shape and headers as ours. No store, no validation, no routing
 * table, no Functions request objects: what is left between it and us is our own cost.
 *
 * Started by bench/run.ts like the local server: `--port 0` and a banner naming the port.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const APPEND_PATH = /^\/api\/streams\/([^/]+)\/events$/;
const versions = new Map<string, number>();

const server = createServer((request, response) => {
  const match = APPEND_PATH.exec(request.url ?? "");
  if (request.method !== "POST" || !match?.[1]) {
    request.resume();
    response.writeHead(404).end();
    return;
  }
  const streamId = decodeURIComponent(match[1]);
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const contentType = request.headers["content-type"] ?? "";
    let body: { events?: unknown[] };
    try {
      if (!contentType.startsWith("application/json")) throw new Error("not json");
      body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { events?: unknown[] };
    } catch {
      response.writeHead(400, { "content-type": "application/problem+json; charset=utf-8" }).end('{"status":400}');
      return;
    }
    const count = Array.isArray(body.events) ? body.events.length : 0;
    const firstVersion = (versions.get(streamId) ?? 0) + 1;
    const lastVersion = firstVersion + count - 1;
    versions.set(streamId, lastVersion);
    const eventIds = Array.from({ length: count }, () => randomUUID());
    const text = JSON.stringify({ streamId, firstVersion, lastVersion, eventIds });
    response.writeHead(201, { "content-type": "application/json; charset=utf-8", etag: `"${lastVersion}"` });
    response.end(text);
  });
});

const portArg = process.argv.indexOf("--port");
server.listen(Number(portArg >= 0 ? process.argv[portArg + 1] : 0), "127.0.0.1", () => {
  console.log(`HTTP ceiling on http://127.0.0.1:${(server.address() as AddressInfo).port}/api`);
});
process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
});
