/**
 * Refuses a `pulumi up` that would remove a generation of the views too early. Raising
 * `viewsRetireBelow` deletes containers; that is safe only once reads have switched to a newer
 * generation, which happens in the running app, after an earlier up has created that generation.
 */
import * as pulumi from "@pulumi/pulumi";

export interface GenerationSpan {
  readonly oldest: number;
  readonly newest: number;
}

export interface PreviousDeployment {
  /** Live generations after the last up; undefined for a stack deployed before generations existed. */
  readonly span: GenerationSpan | undefined;
  /** The API's base URL after the last up, to ask /api/health which generation serves reads. */
  readonly apiBaseUrl: string | undefined;
}

/** The problems with going from `previous` to `next`; `serving` is what /api/health said, if asked. */
export function retirementProblems(previous: PreviousDeployment | undefined, next: GenerationSpan, serving: number | undefined): string[] {
  // A stack's first up: nothing exists yet, nothing can be removed too early.
  if (previous === undefined) return [];
  // Before generations existed, a stack had exactly generation 1 (the `views` container).
  const before = previous.span ?? { oldest: 1, newest: 1 };
  const problems: string[] = [];
  if (next.newest < before.newest) {
    problems.push(
      `viewsGeneration must not go down (from ${before.newest} to ${next.newest}): that would remove the newest views, which may serve reads`,
    );
  }
  if (next.oldest <= before.oldest) return problems;
  if (next.newest > before.newest) {
    problems.push(
      `viewsRetireBelow rises to ${next.oldest} in the same up that adds generation ${next.newest}: first raise viewsGeneration alone, wait until /api/health shows projection.servingGeneration ${next.oldest} or more, then raise viewsRetireBelow`,
    );
  } else if (serving === undefined) {
    problems.push(
      `viewsRetireBelow rises to ${next.oldest}, but which generation serves reads is unknown (${previous.apiBaseUrl ?? "no API URL"}/health did not answer): nothing is removed without that`,
    );
  } else if (serving < next.oldest) {
    problems.push(
      `viewsRetireBelow rises to ${next.oldest}, but generation ${serving} still serves reads: wait until /api/health shows projection.servingGeneration ${next.oldest} or more`,
    );
  }
  return problems;
}

/** Reads the last deployment of this very stack, its outputs `viewGenerations` and `apiBaseUrl`. */
/** The stack's organization; "organization" is what self-managed backends call theirs. */
function organization(): string {
  try {
    return pulumi.getOrganization();
  } catch {
    return "organization";
  }
}

async function previousDeployment(): Promise<PreviousDeployment | undefined> {
  // A stack may reference itself to read its own last outputs (pulumi/pulumi#3722).
  const self = new pulumi.StackReference(`${organization()}/${pulumi.getProject()}/${pulumi.getStack()}`);
  const [urlOutput, spanOutput] = await Promise.all([self.getOutputDetails("apiBaseUrl"), self.getOutputDetails("viewGenerations")]);
  const apiBaseUrl = typeof urlOutput.value === "string" ? urlOutput.value : undefined;
  // Every deployed stack exports its API's URL: without it, this is the stack's first up.
  if (apiBaseUrl === undefined) return undefined;
  const span = spanOutput.value as GenerationSpan | undefined;
  return { span, apiBaseUrl };
}

async function servingGenerationAt(apiBaseUrl: string | undefined): Promise<number | undefined> {
  if (apiBaseUrl === undefined) return undefined;
  try {
    const response = await fetch(`${apiBaseUrl}/health`, { signal: AbortSignal.timeout(15_000) });
    const body = (await response.json()) as { projection?: { servingGeneration?: unknown } };
    const serving = body.projection?.servingGeneration;
    return typeof serving === "number" ? serving : undefined;
  } catch {
    return undefined;
  }
}

/** Throws, failing the up before any change, when the generations would change unsafely. */
export async function guardViewGenerations(next: GenerationSpan): Promise<void> {
  const previous = await previousDeployment();
  const retiring = previous !== undefined && next.oldest > (previous.span?.oldest ?? 1);
  const serving = retiring ? await servingGenerationAt(previous.apiBaseUrl) : undefined;
  const problems = retirementProblems(previous, next, serving);
  if (problems.length > 0) throw new Error(`the views generations cannot change so:\n- ${problems.join("\n- ")}`);
}
