import type { ActionContext } from "../action-context.js";
import * as core from "../workflow-commands.js";

/**
 * `mode: preflight`: every judgment environment must exist with required reviewers, or GitHub
 * would create it unprotected on first use and let the run through without anyone judging.
 */
export async function preflightMode(a: ActionContext): Promise<void> {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const gate of a.pipeline.plan.gates) {
    if (seen.has(gate.environment.toLowerCase())) continue;
    seen.add(gate.environment.toLowerCase());
    const env = await a.api.environment(gate.environment);
    if (!env) problems.push(`environment '${gate.environment}' (judgment '${gate.stage}') does not exist`);
    else if (env.reviewers.length === 0) {
      problems.push(`environment '${gate.environment}' (judgment '${gate.stage}') has no required reviewers`);
    } else core.info(`✓ ${gate.environment}: reviewers ${env.reviewers.join(", ")}`);
  }
  if (problems.length > 0) {
    throw new Error(
      `Judgments would not wait for anyone: ${problems.join("; ")}. Create the environments with required reviewers (Settings → Environments, or \`capstan environments sync\` with a token that has administration rights). Private repositories need a plan with required reviewers.`,
    );
  }
}
