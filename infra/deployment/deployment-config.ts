import * as pulumi from "@pulumi/pulumi";

/** The stack settings of the code deployment, read and validated once. */
export interface DeploymentConfig {
  /**
   * `deployPropagationMinutes`: how long the deployment retries refusals that new role
   * assignments explain; default 30, Azure's own bound ("it can sometimes take up to 30 minutes
   * for changes to take effect", Microsoft Learn, Troubleshoot Azure RBAC). 1-120.
   */
  readonly propagationWindowMinutes: number;
}

export function readDeploymentConfig(config = new pulumi.Config(), project = pulumi.getProject()): DeploymentConfig {
  const raw = config.get("deployPropagationMinutes");
  if (raw === undefined) return { propagationWindowMinutes: 30 };
  const minutes = Number(raw);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 120)
    throw new Error(`${project}:deployPropagationMinutes must be a whole number from 1 to 120; got '${raw}'`);
  return { propagationWindowMinutes: minutes };
}
