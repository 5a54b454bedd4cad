import type { DashboardPage } from "./page-html.js";
import { fileURLToPath } from "node:url";
import { renderPage } from "./page-html.js";

/** The browser script's entry point, bundled with the shared order generator it imports. */
export const CLIENT_ENTRY = fileURLToPath(new URL("./client/main.ts", import.meta.url));

/** Bundles the browser script with esbuild: one self-contained, minified script for modern browsers. */
export async function bundleClientScript(): Promise<string> {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    write: false,
    format: "iife",
    target: "es2022",
    minify: true,
    legalComments: "none",
    logLevel: "warning",
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error("esbuild produced no dashboard script");
  return output.text;
}

let page: Promise<DashboardPage> | undefined;

/**
 * The dashboard page. Locally (npm start) the script is bundled on first request; the Functions
 * build replaces this module with one holding the page built ahead of time
 * (scripts/build-functions.ts), so the deployed app never runs esbuild.
 */
export function loadDashboardPage(): Promise<DashboardPage> {
  page ??= bundleClientScript().then(renderPage);
  return page;
}
