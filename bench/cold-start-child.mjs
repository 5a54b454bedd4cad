// Loads the Functions app as the worker would (the virtual @azure/functions-core intercepted)
// and reports how long it took from process start to every function registered. Plain JS, so
// no TypeScript loader is timed with it.
import Module, { createRequire } from "node:module";

const [kind, entry] = process.argv.slice(2);
let registered = 0;
const core = {
  version: "4.0.0",
  registerFunction: () => {
    registered++;
    return { dispose() {} };
  },
  setProgrammingModel() {},
  registerHook: () => ({ dispose() {} }),
  log() {},
};
const original = Module.prototype.require;
Module.prototype.require = function (id) {
  return id === "@azure/functions-core" ? core : original.apply(this, arguments);
};
if (kind === "bundle") createRequire(import.meta.url)(entry);
else await import(entry);
process.stdout.write(`${JSON.stringify({ kind, registered, ms: performance.now() })}\n`);
