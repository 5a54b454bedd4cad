import type { Plugin } from "esbuild";
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { renderPage } from "../functions/src/dashboard/page-html.js";
import { bundleClientScript } from "../functions/src/dashboard/page-source.js";
import { deterministicZip } from "./deterministic-zip.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The bundle's budget: a cold start loads all of it. */
export const BUNDLE_BUDGET_BYTES = 600 * 1024;

export interface BuildResult {
  readonly folder: string;
  readonly zip: string;
  readonly bundleBytes: number;
  readonly zipBytes: number;
  readonly sha256: string;
  /** The dashboard page as served: markup, style and script in one response. */
  readonly dashboardPageBytes: number;
}

const PAGE_SOURCE = join(ROOT, "functions/src/dashboard/page-source.ts");

/**
 * The deployed app serves the dashboard page built here, once: this plugin swaps the module that
 * bundles the browser script on demand (with esbuild, a dev dependency) for one holding the result.
 */
function prebuiltDashboardPage(built: { pageBytes: number }): Plugin {
  return {
    name: "prebuilt-dashboard-page",
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /[\\/]dashboard[\\/]page-source\.ts$/ }, async (args) => {
        if (resolve(args.path) !== PAGE_SOURCE) return undefined;
        const script = await bundleClientScript();
        built.pageBytes = Buffer.byteLength(renderPage(script).html);
        return {
          contents: `import { renderPage } from "./page-html.js";\nconst page = Promise.resolve(renderPage(${JSON.stringify(script)}));\nexport function loadDashboardPage() { return page; }\n`,
          loader: "ts",
          resolveDir: dirname(PAGE_SOURCE),
        };
      });
    },
  };
}

/**
 * Builds the deployable Functions app: host.json, a package.json and one minified CommonJS
 * bundle with everything but the worker's virtual `@azure/functions-core` inside (no
 * node_modules needed), plus a zip of that folder that is byte-for-byte reproducible.
 */
export async function buildFunctions(outDir = join(ROOT, "dist")): Promise<BuildResult> {
  const folder = join(outDir, "functionapp");
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const page = { pageBytes: 0 };
  await build({
    entryPoints: [join(ROOT, "functions/src/azure/app.ts")],
    outfile: join(folder, "main.js"),
    bundle: true,
    platform: "node",
    target: "node22",
    // CommonJS, so the library's require("@azure/functions-core") reaches the worker's module.
    format: "cjs",
    external: ["@azure/functions-core"],
    minify: true,
    legalComments: "external",
    logLevel: "warning",
    plugins: [prebuiltDashboardPage(page)],
  });
  const rootPackage = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  const files: Record<string, Buffer> = {
    "host.json": readFileSync(join(ROOT, "functions/host.json")),
    "package.json": Buffer.from(
      `${JSON.stringify({ name: "eventsourcing-azure-functions", version: rootPackage.version, private: true, type: "commonjs", main: "main.js", engines: { node: ">=22" } }, null, 2)}\n`,
    ),
    "main.js": readFileSync(join(folder, "main.js")),
    "main.js.LEGAL.txt": readFileSync(join(folder, "main.js.LEGAL.txt")),
  };
  for (const [name, data] of Object.entries(files)) writeFileSync(join(folder, name), data);
  const zipBytes = deterministicZip(Object.entries(files).map(([name, data]) => ({ name, data })));
  const zip = join(outDir, "functionapp.zip");
  writeFileSync(zip, zipBytes);
  return {
    folder,
    zip,
    bundleBytes: files["main.js"]?.length ?? 0,
    zipBytes: zipBytes.length,
    sha256: createHash("sha256").update(zipBytes).digest("hex"),
    dashboardPageBytes: page.pageBytes,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const built = await buildFunctions();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`bundle  ${built.folder}/main.js  ${kb(built.bundleBytes)} (budget ${kb(BUNDLE_BUDGET_BYTES)})`);
  console.log(`page    the dashboard, ${kb(built.dashboardPageBytes)} (inside the bundle)`);
  console.log(`zip     ${built.zip}  ${kb(built.zipBytes)}  sha256 ${built.sha256}`);
  console.log(`built in ${Math.round(performance.now() - started)} ms`);
  if (built.bundleBytes > BUNDLE_BUDGET_BYTES) {
    console.error(`the bundle is over its budget by ${kb(built.bundleBytes - BUNDLE_BUDGET_BYTES)}`);
    process.exit(1);
  }
}
