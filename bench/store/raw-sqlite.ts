import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { eventData, parseWorkloadArgs, report, timed } from "./workload.js";

/**
 * The floor: raw better-sqlite3, one transaction per append that checks the expected version
 * and inserts, with nothing else (no idempotency, no feed listeners, no promise per append).
 */
const args = parseWorkloadArgs(process.argv.slice(2));
const db = new Database(args.file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.exec(
  "CREATE TABLE events (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, version INTEGER NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, recorded_at TEXT NOT NULL, UNIQUE (stream_id, version))",
);
const head = db.prepare<[string], { v: number | null }>("SELECT MAX(version) AS v FROM events WHERE stream_id = ?");
const insert = db.prepare("INSERT INTO events (stream_id, version, event_id, type, data, recorded_at) VALUES (?, ?, ?, ?, ?, ?)");
const append = db.transaction((stream: string, expected: number, n: number) => {
  if ((head.get(stream)?.v ?? 0) !== expected) throw new Error("conflict");
  insert.run(stream, expected + 1, randomUUID(), "OrderRequested", JSON.stringify(eventData(n)), new Date().toISOString());
});
const read = db.prepare<[string], { data: string }>("SELECT * FROM events WHERE stream_id = ? ORDER BY version");

if (args.workload === "W3") {
  db.transaction(() => {
    for (let s = 0; s < args.streams; s++) for (let v = 0; v < 10; v++) append(`s-${s}`, v, v);
  })();
  const seconds = await timed(args.streams, (s) => {
    const rows = read.all(`s-${s}`).map((r) => JSON.parse(r.data) as unknown);
    if (rows.length !== 10) throw new Error("short read");
    return undefined;
  });
  report({ store: "raw-better-sqlite3", workload: "W3", operations: args.streams, seconds, perSecond: args.streams / seconds });
} else {
  const streams = args.workload === "W1" ? args.streams : 1;
  const versions = new Array<number>(streams).fill(0);
  const seconds = await timed(args.appends, (i) => {
    const s = i % streams;
    append(`s-${s}`, versions[s] ?? 0, i);
    versions[s] = (versions[s] ?? 0) + 1;
    return undefined;
  });
  report({ store: "raw-better-sqlite3", workload: args.workload, operations: args.appends, seconds, perSecond: args.appends / seconds });
}
db.close();
