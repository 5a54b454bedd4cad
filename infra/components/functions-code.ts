import * as pulumi from "@pulumi/pulumi";
import { CodeDeployment } from "../deployment/code-deployment.js";

export interface FunctionsCodeArgs {
  readonly appId: pulumi.Input<string>;
  readonly scmHostName: pulumi.Input<string>;
  /** The zip `npm run build` wrote, and its sha256: the deployment's only trigger. */
  readonly zipPath: string;
  readonly zipSha256: string;
}

/** The functions bundle on the app, deployed by one-deploy whenever its content changes. */
export class FunctionsCode extends pulumi.ComponentResource {
  readonly deployment: CodeDeployment;

  constructor(name: string, args: FunctionsCodeArgs, options: pulumi.ComponentResourceOptions = {}) {
    super("eventsourcing:azure:FunctionsCode", name, {}, options);
    this.deployment = new CodeDeployment(`${name}-one-deploy`, args, { parent: this });
    this.registerOutputs({ deploymentId: this.deployment.deploymentId, zipSha256: args.zipSha256 });
  }
}
