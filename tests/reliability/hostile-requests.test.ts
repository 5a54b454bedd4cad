import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerProcess } from "../support/local-server-process.js";
import { startServerProcess, waitForExit } from "../support/local-server-process.js";
import { requestedData } from "../support/orders.js";
import { SCALE } from "./scale.js";

const dataDir = mkdtempSync(join(tmpdir(), "es-hostile-"));
let server: ServerProcess;
let port: number;
beforeAll(async () => {
  server = await startServerProcess(dataDir);
  port = Number(new URL(server.baseUrl).port);
});
afterAll(async () => {
  server.child.kill("SIGTERM");
  await waitForExit(server.child);
  rmSync(dataDir, { recursive: true, force: true });
});

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends bytes as they are (no client-side fixing of headers or encoding) and reads the answer. */
function sendRaw(request: Buffer | string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error("no answer within 5 s")), 5000);
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("utf8");
      const [head = "", ...rest] = text.split("\r\n\r\n");
      const [statusLine = "", ...headerLines] = head.split("\r\n");
      const headers = Object.fromEntries(
        headerLines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
      );
      let body = rest.join("\r\n\r\n");
      if (headers["transfer-encoding"] === "chunked") body = body.replace(/^[0-9a-f]+\r\n/, "").replace(/\r\n0\r\n\r\n$/, "");
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body });
    });
    socket.end(request);
  });
}

function http(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Buffer {
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
  const all = {
    host: "127.0.0.1",
    connection: "close",
    ...(body === undefined ? {} : { "content-type": "application/json", "content-length": String(payload.length) }),
    ...headers,
  };
  const head = `${method} ${path} HTTP/1.1\r\n${Object.entries(all)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\r\n")}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), payload]);
}

const STREAM = "/api/streams/order-h1/events";
const ok = (data: object = { orderNumber: "h1" }, extra: object = {}) =>
  JSON.stringify({ events: [{ type: "OrderAccepted", data, ...extra }] });
const deep = (n: number, open: string, close: string) => open.repeat(n) + close.repeat(n);
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
const place = (change: (body: Record<string, any>) => void) => {
  const body: Record<string, any> = { ...requestedData("ignored") };
  delete body.orderNumber;
  change(body);
  return http("POST", "/api/orders", JSON.stringify(body));
};

/** At least sixty malformed or hostile requests; every one must get a 4xx problem document. */
const CORPUS: [string, Buffer][] = [
  // Broken JSON
  ...[
    "{",
    '{"events": [}',
    "[1,2",
    '{"a":1,}',
    "nul",
    '"unterminated',
    "{'single':1}",
    '{"a":01}',
    "NaN",
    `${ok()}garbage`,
    "\u0000",
    "",
  ].map((b, i): [string, Buffer] => [`broken json ${i}`, http("POST", STREAM, b === "" ? " " : b)]),
  // Deep nesting
  ["deep array body", http("POST", STREAM, deep(100_000, "[", "]"))],
  ["deep object body", http("POST", STREAM, deepObject(50_000))],
  [
    "deep metadata",
    http("POST", STREAM, `{"events":[{"type":"OrderAccepted","data":{"orderNumber":"h1"},"metadata":${deepObject(5000)}}]}`),
  ],
  ["deep data", http("POST", STREAM, `{"events":[{"type":"OrderAccepted","data":${deepObject(5000)}}]}`)],
  // Huge strings
  ["huge article name", place((b) => (b.articles = [{ article: "x".repeat(500_000), quantity: 1, price: 1 }]))],
  ["huge stream id", http("POST", `/api/streams/${"a".repeat(10_000)}/events`, ok())],
  ["huge order number", http("POST", `/api/orders/${"a".repeat(1000)}/accept`)],
  ["huge metadata key", http("POST", STREAM, ok(undefined, { metadata: { ["k".repeat(1000)]: 1 } }))],
  ["huge event type", http("POST", STREAM, JSON.stringify({ events: [{ type: "T".repeat(10_000), data: {} }] }))],
  ["1 MiB + 1 body", http("POST", STREAM, `{"pad":"${"x".repeat(1024 * 1024 - 9)}"}`)],
  // Wrong types
  ...(
    [
      ["events not an array", { events: {} }],
      ["events null", { events: null }],
      ["events a string", { events: "x" }],
      ["expectedVersion negative", { expectedVersion: -1, events: [] }],
      ["expectedVersion fractional", { expectedVersion: 1.5, events: [{ type: "OrderAccepted", data: { orderNumber: "h1" } }] }],
      ["expectedVersion unknown word", { expectedVersion: "ANY", events: [{ type: "OrderAccepted", data: { orderNumber: "h1" } }] }],
      ["expectedVersion boolean", { expectedVersion: true, events: [{ type: "OrderAccepted", data: { orderNumber: "h1" } }] }],
      ["data a string", { events: [{ type: "OrderAccepted", data: "h1" }] }],
      ["data null", { events: [{ type: "OrderAccepted", data: null }] }],
      ["eventId a number", { events: [{ eventId: 123, type: "OrderAccepted", data: { orderNumber: "h1" } }] }],
      ["eventId not a uuid", { events: [{ eventId: "not-a-uuid", type: "OrderAccepted", data: { orderNumber: "h1" } }] }],
      ["type a number", { events: [{ type: 5, data: { orderNumber: "h1" } }] }],
      ["metadata an array", { events: [{ type: "OrderAccepted", data: { orderNumber: "h1" }, metadata: [] }] }],
      ["metadata a string", { events: [{ type: "OrderAccepted", data: { orderNumber: "h1" }, metadata: "x" }] }],
      ["body an array", [1, 2, 3]],
      ["body a number", 42],
    ] as [string, unknown][]
  ).map(([name, body]): [string, Buffer] => [name, http("POST", STREAM, JSON.stringify(body))]),
  ["hubId a string", place((b) => (b.hubId = "10001"))],
  ["customerId zero", place((b) => (b.customer.customerId = 0))],
  ["quantity zero", place((b) => (b.articles = [{ article: "Mojito", quantity: 0, price: 7.5 }]))],
  ["quantity fractional", place((b) => (b.articles = [{ article: "Mojito", quantity: 1.5, price: 7.5 }]))],
  ["price negative", place((b) => (b.articles = [{ article: "Mojito", quantity: 1, price: -1 }]))],
  ["no articles", place((b) => (b.articles = []))],
  ["101 articles", place((b) => (b.articles = Array.from({ length: 101 }, (_, i) => ({ article: `A${i}`, quantity: 1, price: 1 }))))],
  [
    "duplicate article",
    place(
      (b) =>
        (b.articles = [
          { article: "Mojito", quantity: 1, price: 7.5 },
          { article: "Mojito", quantity: 2, price: 7.5 },
        ]),
    ),
  ],
  ["top not a number", http("GET", "/api/views/customers?top=abc")],
  ["maxCount zero", http("GET", `${STREAM}?maxCount=0`)],
  ["fromVersion negative", http("GET", `${STREAM}?fromVersion=-1`)],
  // Prototype pollution
  [
    "__proto__ at the root",
    http("POST", STREAM, `{"__proto__":{"polluted":true},"events":[{"type":"OrderAccepted","data":{"orderNumber":"h1"}}]}`),
  ],
  [
    "__proto__ in data",
    http("POST", STREAM, `{"events":[{"type":"OrderAccepted","data":{"orderNumber":"h1","__proto__":{"polluted":true}}}]}`),
  ],
  [
    "__proto__ in metadata",
    http("POST", STREAM, `{"events":[{"type":"OrderAccepted","data":{"orderNumber":"h1"},"metadata":{"__proto__":{"polluted":true}}}]}`),
  ],
  ["constructor in metadata", http("POST", STREAM, ok(undefined, { metadata: { constructor: { prototype: { polluted: true } } } }))],
  [
    "__proto__ in a customer",
    http(
      "POST",
      "/api/orders",
      `{"hubId":1,"customer":{"customerId":1,"__proto__":{"isAdmin":true},"deliveryAddress":{"name":"a","street":"b","city":"c","zipCode":"d"}},"articles":[{"article":"x","quantity":1,"price":1}]}`,
    ),
  ],
  // Unicode edge cases
  [
    "lone surrogate",
    http("POST", STREAM, '{"events":[{"type":"OrderAccepted","data":{"orderNumber":"h1"},"metadata":{"note":"\\ud800"}}]}'),
  ],
  ["invalid UTF-8 bytes", http("POST", STREAM, Buffer.from([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]))],
  ["UTF-16 body", http("POST", STREAM, Buffer.from(ok(), "utf16le"))],
  ["right-to-left override in a stream id", http("POST", "/api/streams/order-%E2%80%AEabc/events", ok())],
  ["zero-width space in an order number", http("POST", "/api/orders/h%E2%80%8B1/accept")],
  ["NUL in a stream id", http("POST", "/api/streams/a%00b/events", ok())],
  ["fullwidth digits in a customer id", http("GET", "/api/views/customers/%EF%BC%95%EF%BC%90%EF%BC%90")],
  ["malformed percent-encoding", http("GET", "/api/streams/%E0%A4%A/events")],
  // Path traversal
  ["encoded traversal in a stream id", http("POST", "/api/streams/..%2F..%2Fetc%2Fpasswd/events", ok())],
  ["dots as a stream id", http("GET", "/api/streams/%2e%2e/events")],
  ["traversal in an order number", http("POST", "/api/orders/..%2Fadmin/accept")],
  ["traversal in a day", http("GET", "/api/views/hubs/1/days/..%2F..")],
  ["raw traversal out of /api", http("GET", "/api/../../etc/passwd")],
  ["traversal onto another route", http("GET", "/api/streams/a/events/../../orders")],
  // Header abuse
  ["20 KB header", http("GET", "/api/health", undefined, { "x-big": "a".repeat(20_000) })],
  ["invalid header name", Buffer.from("GET /api/health HTTP/1.1\r\nhost: x\r\nbad header: 1\r\n\r\n")],
  [
    "two different Content-Lengths",
    Buffer.from(
      `POST ${STREAM} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\n{}{}{}`,
    ),
  ],
  [
    "Content-Length with Transfer-Encoding",
    Buffer.from(
      `POST ${STREAM} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n`,
    ),
  ],
  ["negative Content-Length", Buffer.from(`POST ${STREAM} HTTP/1.1\r\nhost: x\r\ncontent-length: -1\r\n\r\n`)],
  ["obsolete line folding", Buffer.from("GET /api/health HTTP/1.1\r\nhost: x\r\nx-a: 1\r\n folded\r\n\r\n")],
  ["content type not JSON", http("POST", STREAM, ok(), { "content-type": "text/plain" })],
  ["content type look-alike", http("POST", STREAM, ok(), { "content-type": "application/jsonx" })],
  [
    "no content type",
    Buffer.from(`POST ${STREAM} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: ${ok().length}\r\n\r\n${ok()}`),
  ],
  ["If-Match garbage", http("POST", "/api/orders/h1/accept", undefined, { "if-match": "'; DROP TABLE events; --" })],
  // Methods
  ["TRACE", http("TRACE", "/api/health")],
  ["DELETE a stream", http("DELETE", STREAM)],
  ["PATCH an order", http("PATCH", "/api/orders/h1", "{}")],
];

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function head(): Promise<number> {
  const health = await sendRaw(http("GET", "/api/health"));
  const { projection } = JSON.parse(health.body) as { projection: { position: number; lagEvents: number } };
  return projection.position + projection.lagEvents;
}

describe(`hostile requests (${CORPUS.length} kinds × ${SCALE.corpusRepetitions}, ${SCALE.name})`, () => {
  it("answers each with a 4xx problem document, stays up, writes nothing and keeps memory bounded", async () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
    // The order the corpus talks about exists, so refusals are about the request, not a missing order.
    const seeded = await sendRaw(
      http(
        "POST",
        STREAM,
        JSON.stringify({ expectedVersion: "no_stream", events: [{ type: "OrderRequested", data: requestedData("h1") }] }),
      ),
    );
    expect(seeded.status).toBe(201);
    const headBefore = await head();
    const pid = server.child.pid ?? 0;
    let rssAfterFirstPass = 0;
    for (let round = 0; round < SCALE.corpusRepetitions; round++) {
      for (const [name, request] of CORPUS) {
        const response = await sendRaw(request);
        expect(response.status, `${name}: ${response.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(response.status, name).toBeLessThan(500);
        expect(response.headers["content-type"], name).toMatch(/^application\/problem\+json/);
        const problem = JSON.parse(response.body) as { type: string; title: string; status: number };
        expect(problem.status, name).toBe(response.status);
        expect(problem.type, name).toMatch(/^urn:eventsourcing-azure:problem:/);
      }
      if (round === 0) rssAfterFirstPass = rssMiB(pid);
    }
    expect(server.child.exitCode).toBeNull();
    expect((await sendRaw(http("GET", "/api/health"))).status).toBe(200);
    expect(await head()).toBe(headBefore);
    const rss = rssMiB(pid);
    console.log(
      `hostile requests: ${CORPUS.length} kinds × ${SCALE.corpusRepetitions}; server RSS ${rssAfterFirstPass.toFixed(0)} MiB after the first pass, ${rss.toFixed(0)} MiB after the last`,
    );
    expect(rss).toBeLessThan(rssAfterFirstPass + 64);
    expect(rss).toBeLessThan(400);
  });
});
