/**
 * The baseline as a policy pack: `pulumi preview --policy-pack policy` refuses a program that
 * drifts from it. The rules themselves are in rules.ts, where the tests run them.
 */
import { PolicyPack } from "@pulumi/policy";
import { BASELINE_RULES } from "./rules.js";

new PolicyPack("eventsourcing-azure-baseline", {
  policies: BASELINE_RULES.map((rule) => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory" as const,
    validateResource: (args, reportViolation) => {
      if (!rule.types.includes(args.type)) return;
      for (const message of rule.check(args.props)) reportViolation(message);
    },
  })),
});
