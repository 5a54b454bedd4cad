import type { PlanOutcome } from "../../order-generator/run-plan.js";
import { planOrders } from "../../order-generator/order-plan.js";
import { runPlan } from "../../order-generator/run-plan.js";
import { seededRandom } from "../../order-generator/seeded-random.js";
import { call } from "./api.js";
import { byId, setText } from "./dom.js";

/** Orders in flight at once, whatever the rate: a slow store slows the generator instead of piling up. */
const MAX_IN_FLIGHT = 16;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * "Generate orders": the plans of `npm run simulate` (same catalogue, lifecycles, seeded
 * randomness and If-Match discipline), started at the chosen rate from the page.
 */
export function generatorPanel(): void {
  const form = byId("generate", HTMLFormElement);
  const countInput = byId("generate-count", HTMLInputElement);
  const rateInput = byId("generate-rate", HTMLInputElement);
  const start = byId("generate-start", HTMLButtonElement);
  const stop = byId("generate-stop", HTMLButtonElement);
  const progress = byId("generate-progress", HTMLProgressElement);
  let current = new AbortController();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    void run(countInput.valueAsNumber, rateInput.valueAsNumber);
  });
  stop.addEventListener("click", () => {
    current.abort();
  });

  async function run(count: number, rate: number): Promise<void> {
    current = new AbortController();
    const { signal } = current;
    start.disabled = true;
    stop.disabled = false;
    const seed = Date.now() % 2 ** 31;
    const plans = planOrders(count, seededRandom(seed), `dash${seed.toString(36)}`);
    const startedAt = performance.now();
    let finished = 0;
    let commands = 0;
    const errors: string[] = [];
    progress.max = count;
    progress.value = 0;
    const report = (state: string) => {
      const seconds = (performance.now() - startedAt) / 1000;
      setText(
        "generate-status",
        `${state}: ${finished} of ${count} orders, ${commands} commands, ${(commands / Math.max(seconds, 0.001)).toFixed(0)} commands/s, ${errors.length} errors (seed ${seed})${errors[0] === undefined ? "" : `. First error: ${errors[0]}`}`,
      );
    };
    const settle = (outcome: PlanOutcome) => {
      finished++;
      commands += outcome.succeeded;
      errors.push(...outcome.errors);
      progress.value = finished;
      report("Running");
    };
    const inFlight = new Set<Promise<void>>();
    for (const plan of plans) {
      if (signal.aborted) break;
      while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      const running: Promise<void> = runPlan(plan, call)
        .then(settle, (error: unknown) => {
          settle({ succeeded: 0, conflictsRetried: 0, errors: [error instanceof Error ? error.message : String(error)] });
        })
        .finally(() => inFlight.delete(running));
      inFlight.add(running);
      await sleep(1000 / rate);
    }
    await Promise.all(inFlight);
    report(signal.aborted ? "Stopped" : "Done");
    start.disabled = false;
    stop.disabled = true;
  }
}
