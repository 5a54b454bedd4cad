import * as pulumi from "@pulumi/pulumi";
import { CodeDeployment } from "../deployment/code-deployment.js";

export interface FunctionsCodeArgs {
  readonly appId: pulumi.Input<string>;
  readonly scmHostName: pulumi.Input<string>;
  readonly defaultHostName: pulumi.Input<string>;
  /** The zip `npm run build` wrote, and its sha256: the deployment's only trigger. */
  readonly zipPath: string;
  readonly zipSha256: string;
  /** How long refusals explained by propagating role assignments are retried. */
  readonly propagationWindowMinutes: number;
}

/**
 * Functions the host must have indexed before the deployment counts as done: the anonymous
 * health route (functions/src/handlers/routes.ts) and the change-feed projector
 * (functions/src/azure/app.ts).
 */
export const EXPECTED_FUNCTIONS = ["health", "projectViews"] as const;

/** The functions bundle on the app, deployed by one-deploy whenever its content changes. */
export class FunctionsCode extends pulumi.ComponentResource {
  readonly deployment: CodeDeployment;

  constructor(name: string, args: FunctionsCodeArgs, options: pulumi.ComponentResourceOptions = {}) {
    super("eventsourcing:azure:FunctionsCode", name, {}, options);
    this.deployment = new CodeDeployment(
      `${name}-one-deploy`,
      {
        appId: args.appId,
        scmHostName: args.scmHostName,
        zipPath: args.zipPath,
        zipSha256: args.zipSha256,
        healthUrl: pulumi.interpolate`https://${args.defaultHostName}/api/health`,
        expectedFunctions: [...EXPECTED_FUNCTIONS],
        propagationWindowMinutes: args.propagationWindowMinutes,
      },
      { parent: this },
    );
    this.registerOutputs({ deploymentId: this.deployment.deploymentId, zipSha256: args.zipSha256 });
  }
}
