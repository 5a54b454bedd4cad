// The peer: @event-driven-io/emmett-sqlite on one kept-open connection (its fair best case; its
// default opens a connection per call), WAL and synchronous=FULL like the others. Plain JS: its
// dependencies live in this folder only, installed on demand by bench/run.ts.
import { getSQLiteEventStore, sqliteConnection } from "@event-driven-io/emmett-sqlite";
import { randomUUID } from "node:crypto";

const argv = process.argv.slice(2);
const arg = (name) => argv[argv.indexOf(`--${name}`) + 1];
const workload = arg("workload");
const appends = Number(arg("appends"));
const streams = Number(arg("streams"));
const file = arg("file");
const eventData = JSON.parse(arg("event-json"));

const connection = sqliteConnection({ fileName: file });
await connection.command("PRAGMA journal_mode = WAL");
await connection.command("PRAGMA synchronous = FULL");
const store = getSQLiteEventStore({
  fileName: file,
  schema: { autoMigration: "CreateOrUpdate" },
  connectionOptions: { singleton: true, connection },
});
const event = (n) => ({ type: "OrderRequested", data: { ...eventData, n }, metadata: { eventId: randomUUID() } });
const timed = async (count, op) => {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await op(i);
  return Number(process.hrtime.bigint() - started) / 1e9;
};

if (workload === "W3") {
  for (let s = 0; s < streams; s++)
    await store.appendToStream(
      `s-${s}`,
      Array.from({ length: 10 }, (_, i) => event(i)),
      { expectedStreamVersion: 0n },
    );
  const seconds = await timed(streams, async (s) => {
    const result = await store.readStream(`s-${s}`);
    if (result.events.length !== 10) throw new Error("short read");
  });
  process.stdout.write(
    `${JSON.stringify({ store: "emmett-sqlite", workload, operations: streams, seconds, perSecond: streams / seconds })}\n`,
  );
} else {
  const n = workload === "W1" ? streams : 1;
  const versions = new Array(n).fill(0);
  const seconds = await timed(appends, async (i) => {
    const s = i % n;
    await store.appendToStream(`s-${s}`, [event(i)], { expectedStreamVersion: BigInt(versions[s]) });
    versions[s]++;
  });
  process.stdout.write(
    `${JSON.stringify({ store: "emmett-sqlite", workload, operations: appends, seconds, perSecond: appends / seconds })}\n`,
  );
}
connection.close();
