// @azure/functions is CommonJS whose named exports Node's ESM loader cannot detect; take the
// classes from its default export so the same import works under tsx, vitest and esbuild.
import azureFunctions from "@azure/functions";

export const { HttpRequest, InvocationContext } = azureFunctions;
