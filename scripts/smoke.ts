/**
 * `npm run smoke`: checks a running deployment end to end (health, an order placed, read and
 * accepted, its events, the views catching up, problem documents for bad requests), shows each
 * call with its time and request charge, and exits non-zero on the first failure.
 *
 *   npm run smoke -- --base-url http://127.0.0.1:7071          # the local server
 *   npm run smoke -- --base-url https://<app>.azurewebsites.net --key "$KEY"
 *   npm run smoke -- --stack dev                               # URL and key from the stack's outputs
 */
import type { Call } from "./smoke/api.js";
import { apiClient } from "./smoke/api.js";
import { newContext, smokeSteps, SmokeFailure } from "./smoke/checks.js";
import { parseArgs, resolveTarget, USAGE, UsageError } from "./smoke/target.js";

function formatCall(call: Call): string {
  const charge = call.requestCharge === undefined ? "" : `  ${call.requestCharge.toFixed(2)} RU`;
  return `      ${call.method} ${call.path} -> ${call.status}  ${call.ms.toFixed(0)} ms${charge}`;
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const target = await resolveTarget(args);
  console.log(
    `smoke: ${target.apiBaseUrl} (from ${target.source}${target.key === undefined ? ", no function key" : ", with the function key"})`,
  );
  const calls: Call[] = [];
  let pollsShown = 0;
  const api = apiClient(target.apiBaseUrl, target.key, (call) => {
    calls.push(call);
    // Polls of the views repeat: show the first few and the last.
    if (call.path.startsWith("/views/") && ++pollsShown > 4) return;
    console.log(formatCall(call));
  });
  const steps = smokeSteps(args.viewsTimeoutMs);
  const context = newContext();
  const started = performance.now();
  for (const [index, step] of steps.entries()) {
    console.log(`[${index + 1}/${steps.length}] ${step.title}`);
    try {
      const detail = await step.run(api, context);
      console.log(`      ok: ${detail}`);
    } catch (error) {
      const reason =
        error instanceof SmokeFailure
          ? error.message
          : `${error instanceof Error ? error.message : String(error)} (calling ${target.apiBaseUrl})`;
      console.error(`      FAILED: ${reason}`);
      console.error(`smoke failed at step ${index + 1} of ${steps.length} (${step.title})`);
      return 1;
    }
  }
  const charged = calls.filter((c) => c.requestCharge !== undefined);
  const units = charged.reduce((sum, c) => sum + (c.requestCharge ?? 0), 0);
  console.log(
    `smoke passed: ${steps.length} checks, ${calls.length} calls in ${((performance.now() - started) / 1000).toFixed(1)} s; views caught up in ${Math.round(context.viewsCaughtUpMs ?? 0)} ms; ` +
      (charged.length === 0
        ? "no request charges reported (x-request-charge absent: not Cosmos DB)"
        : `${units.toFixed(2)} RU over ${charged.length} charged calls`),
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`smoke: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof UsageError) console.error(USAGE);
    process.exitCode = 2;
  },
);
