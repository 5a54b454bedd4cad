/**
 * The store-level workloads, the same for every library (each runs in its own process: two
 * SQLite copies in one process can corrupt a shared file).
 *   W1: appends of one event over `streams` streams, round robin, exact expected versions.
 *   W2: appends of one event to a single stream, exact expected versions.
 *   W3: reading the state (all events) of `streams` ten-event streams.
 * Every store runs WAL with synchronous=FULL, one append at a time.
 */
export type Workload = "W1" | "W2" | "W3";

export interface WorkloadResult {
  readonly store: string;
  readonly workload: Workload;
  readonly operations: number;
  readonly seconds: number;
  /** Appends per second (W1, W2) or streams read per second (W3). */
  readonly perSecond: number;
}

/** A ~300-byte event body, as the goals were measured with. */
export function eventData(n: number): Record<string, unknown> {
  return {
    orderNumber: `order-${n}`,
    hubId: 10000 + (n % 10),
    customer: {
      customerId: 50000 + (n % 100),
      deliveryAddress: { name: "Ada Lovelace", street: "Pariser Platz 1", city: "Berlin", zipCode: "10117" },
    },
    articles: [
      { article: "Coca-Cola Cherry", quantity: 1 + (n % 5), price: 2.95 },
      { article: "Mojito", quantity: 1, price: 7.5 },
    ],
  };
}

export interface WorkloadArgs {
  readonly workload: Workload;
  readonly appends: number;
  readonly streams: number;
  readonly file: string;
}

export function parseWorkloadArgs(argv: readonly string[]): WorkloadArgs {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    const value = i >= 0 ? argv[i + 1] : undefined;
    if (value === undefined) throw new Error(`missing --${name}`);
    return value;
  };
  const workload = get("workload");
  if (workload !== "W1" && workload !== "W2" && workload !== "W3") throw new Error(`unknown workload ${workload}`);
  return { workload, appends: Number(get("appends")), streams: Number(get("streams")), file: get("file") };
}

export function report(result: WorkloadResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Times an async loop of `count` operations. */
export async function timed(count: number, operation: (i: number) => Promise<unknown> | undefined): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await operation(i);
  return Number(process.hrtime.bigint() - started) / 1e9;
}
