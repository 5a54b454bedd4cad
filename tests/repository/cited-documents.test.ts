import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" })
  .split("\0")
  .filter((file) => file !== "" && existsSync(join(ROOT, file)));
const textFiles = tracked.filter(
  (file) => /\.(ts|mts|mjs|js|json|ya?ml|md|txt|sh)$|(^|\/)run$/.test(file) && !file.endsWith("package-lock.json"),
);
// This file's own examples of citations are fixtures, not citations.
const SELF = "tests/repository/cited-documents.test.ts";
const markdownNames = new Set(tracked.filter((file) => file.endsWith(".md")).map((file) => basename(file)));

/** Markdown documents a text names: `docs/x.md`, `./y.md`, `z.md`; links to other sites are not citations of ours. */
function citedDocuments(text: string): string[] {
  return [...text.matchAll(/(?<![\w/.:-])((?:\.{1,2}\/)?[\w.-]+(?:\/[\w.-]+)*\.md)\b/g)]
    .map((m) => m[1] ?? "")
    .filter((path) => !path.startsWith("//"));
}

/** What a file says to its readers: the comments of code (its strings name files it writes), all of anything else. */
function prose(file: string, text: string): string {
  if (!/\.(ts|mts|mjs|js)$/.test(file)) return text;
  return [...text.matchAll(/\/\*[\s\S]*?\*\/|(?<![:"'`\w])\/\/[^\n]*/g)].map((m) => m[0]).join("\n");
}

/** A citation resolves from the repository's root, from the citing file's folder, or, bare, by its name. */
function resolves(citing: string, cited: string): boolean {
  if (existsSync(join(ROOT, cited)) || existsSync(join(ROOT, dirname(citing), cited))) return true;
  return !cited.includes("/") && markdownNames.has(cited);
}

describe("the repository carries its own contract", () => {
  it("finds citations the way the check below reads them", () => {
    expect(citedDocuments("see docs/guarantees.md, ./notes.md and README.md; not https://example.org/a/b.md")).toEqual([
      "docs/guarantees.md",
      "./notes.md",
      "README.md",
    ]);
    expect(resolves("functions/src/x.ts", "docs/benchmarks.md")).toBe(true);
    expect(resolves("docs/adr/0001-node-22-from-npm-and-typescript-toolchain.md", "../benchmarks.md")).toBe(true);
    expect(resolves("functions/src/x.ts", "docs/no-such-document.md")).toBe(false);
    expect(citedDocuments(prose("a.ts", 'const out = join(dir, "summary.md"); // see docs/a.md\n/* and b.md */'))).toEqual([
      "docs/a.md",
      "b.md",
    ]);
  });

  it("cites no markdown document that the repository lacks", () => {
    const missing = textFiles
      .filter((file) => file !== SELF)
      .flatMap((file) =>
        citedDocuments(prose(file, readFileSync(join(ROOT, file), "utf8")))
          .filter((cited) => !resolves(file, cited))
          .map((cited) => `${file} cites ${cited}`),
      );
    expect(missing).toEqual([]);
  });

  it("names no path outside the repository that only this machine has", () => {
    const outside = ["", "work", "shared"].join("/");
    expect(textFiles.filter((file) => readFileSync(join(ROOT, file), "utf8").includes(outside))).toEqual([]);
  });
});
