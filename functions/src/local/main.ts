import { rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readLocalConfig } from "./local-config.js";
import { startLocalApp } from "./local-app.js";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

function log(message: string, error?: unknown): void {
  const detail = error instanceof Error ? `: ${error.stack ?? error.message}` : error === undefined ? "" : `: ${JSON.stringify(error)}`;
  console.error(`${new Date().toISOString()} ${message}${detail}`);
}

async function main(): Promise<void> {
  let config;
  try {
    config = readLocalConfig(process.argv.slice(2), process.env, projectRoot);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  if (config.reset) {
    rmSync(config.dataDir, { recursive: true, force: true });
    log(`reset: removed ${config.dataDir}`);
  }
  const app = await startLocalApp({ dataDir: config.dataDir, port: config.port, log, rebuildViews: config.rebuildViews });
  console.log(
    `Event store API on http://127.0.0.1:${app.port}/api, live dashboard on http://127.0.0.1:${app.port}/ (data in ${config.dataDir}); Ctrl+C stops.`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing requests in flight, stopping the projectors, closing the store`);
    app.close().then(
      () => {
        process.exit(0);
      },
      (error: unknown) => {
        log("shutdown failed", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  if (code === "EADDRINUSE") log("the port is in use: another server runs there; pick one with --port or PORT=");
  else log("failed to start", error);
  process.exit(1);
});
