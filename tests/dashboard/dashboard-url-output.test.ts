import * as pulumi from "@pulumi/pulumi";
import { expect, it } from "vitest";
import { runProgram, valueOf } from "../infra/program-under-mocks.js";

it("exports dashboardUrl as a secret: the app's dashboard with the function key in the fragment", async () => {
  // deployCode=false: the link does not depend on the bundle, so the test need not build it.
  const run = await runProgram("dev", { "eventsourcing-azure:deployCode": "false" });
  const dashboardUrl = run.outputs.dashboardUrl as pulumi.Output<string> | undefined;
  if (!dashboardUrl) throw new Error("no dashboardUrl output");
  expect(await pulumi.isSecret(dashboardUrl)).toBe(true);
  const url = new URL(await valueOf(dashboardUrl));
  expect(url.protocol).toBe("https:");
  expect(url.hostname).toMatch(/\.azurewebsites\.net$/);
  expect(url.pathname).toBe("/api/dashboard");
  expect(url.search).toBe("");
  expect(new URLSearchParams(url.hash.slice(1)).get("key")).toBe("the-function-key");
}, 60_000);
