/**
 * `npm run simulate`: the demo's order generator, against the local server or a deployed stack.
 *
 *   npm run simulate -- [--orders 200] [--concurrency 8] [--seed 1] [--base-url http://127.0.0.1:7071]
 *                       [--key <function key> | FUNCTION_KEY=...] [--verify]
 */
import { parseArgs } from "node:util";
import type { Get } from "./simulator/verify-views.js";
import { planOrders } from "../functions/src/order-generator/order-plan.js";
import { runPlan } from "../functions/src/order-generator/run-plan.js";
import { percentile } from "./simulator/percentiles.js";
import { progressBar } from "./simulator/progress.js";
import { seededRandom } from "../functions/src/order-generator/seeded-random.js";
import { snapshot, verifyViews } from "./simulator/verify-views.js";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "200" },
    concurrency: { type: "string", default: "8" },
    seed: { type: "string", default: "1" },
    "base-url": { type: "string", default: "http://127.0.0.1:7071" },
    key: { type: "string" },
    verify: { type: "boolean", default: false },
  },
});
const orders = Number(values.orders);
const concurrency = Number(values.concurrency);
const seed = Number(values.seed);
if (!Number.isInteger(orders) || orders < 1 || !Number.isInteger(concurrency) || concurrency < 1 || !Number.isInteger(seed)) {
  console.error("--orders, --concurrency and --seed take positive whole numbers");
  process.exit(2);
}
const api = `${values["base-url"].replace(/\/$/, "")}/api`;
const key = values.key ?? process.env.FUNCTION_KEY;
const headers: Record<string, string> = key === undefined ? {} : { "x-functions-key": key };

const latencies: number[] = [];
let conflictsRetried = 0;
let unavailableRetried = 0;
const errors: string[] = [];

interface Answer {
  status: number;
  body: any;
  etag: string | null;
}

async function call(method: string, path: string, body?: unknown, ifMatch?: string): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    const started = performance.now();
    const response = await fetch(`${api}${path}`, {
      method,
      headers: {
        ...headers,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(ifMatch === undefined ? {} : { "if-match": ifMatch }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    latencies.push(performance.now() - started);
    const parsed = text === "" ? undefined : (JSON.parse(text) as unknown);
    // Throttled or briefly unavailable: wait as asked, then try again.
    if (response.status === 503 && attempt < 5) {
      unavailableRetried++;
      await new Promise((r) => setTimeout(r, 1000 * Number(response.headers.get("retry-after") ?? "1")));
      continue;
    }
    return { status: response.status, body: parsed, etag: response.headers.get("etag") };
  }
}

const get: Get = (path) => call("GET", path);
const runId = `sim${seed}-${Date.now().toString(36)}`;
const plans = planOrders(orders, seededRandom(seed), runId);
const today = new Date().toISOString().slice(0, 10);
const before = values.verify ? await snapshot(get, today) : undefined;

const bar = progressBar(orders, "orders");
let events = 0;
let next = 0;
const started = performance.now();
async function worker(): Promise<void> {
  for (let i = next++; i < plans.length; i = next++) {
    const plan = plans[i];
    if (!plan) return;
    const outcome = await runPlan(plan, call);
    events += outcome.succeeded;
    conflictsRetried += outcome.conflictsRetried;
    errors.push(...outcome.errors);
    const seconds = (performance.now() - started) / 1000;
    bar.tick(`${(events / seconds).toFixed(0)} appends/s`);
  }
}
await Promise.all(Array.from({ length: concurrency }, () => worker()));
bar.done();
const seconds = (performance.now() - started) / 1000;

const summary = {
  baseUrl: api,
  orders,
  concurrency,
  seed,
  events,
  seconds: Number(seconds.toFixed(2)),
  appendsPerSecond: Number((events / seconds).toFixed(1)),
  latencyMs: {
    p50: Number(percentile(latencies, 50).toFixed(2)),
    p95: Number(percentile(latencies, 95).toFixed(2)),
    p99: Number(percentile(latencies, 99).toFixed(2)),
  },
  conflictsRetried,
  unavailableRetried,
  errors: errors.length,
};
console.log(JSON.stringify(summary, null, 2));
for (const e of errors.slice(0, 10)) console.error(`error: ${e}`);

if (before) {
  process.stderr.write("verifying the views against what was sent...\n");
  const problems = await verifyViews(get, plans, before, 60_000);
  if (problems.length === 0) console.log(`verify: the views match what was sent (${plans.length} orders, their customers and hub-days)`);
  else {
    console.log(`verify: ${problems.length} difference(s)`);
    for (const p of problems.slice(0, 20)) console.log(`  ${p}`);
    process.exit(1);
  }
}
if (errors.length > 0) process.exit(1);
