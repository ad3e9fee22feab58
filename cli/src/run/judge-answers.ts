import type { Pipeline, PipelineResolver } from "@capstan/core";

/** A manual judgment a `--judge` answer may name. */
interface Judgment {
  id: string;
  name: string;
  /** Its inputs, or undefined when an expression makes them known only at run time. */
  inputs?: string[];
  pipeline: string;
}

const isDynamic = (value: unknown): boolean => typeof value === "string" && value.includes("${");

function inputsOf(config: Record<string, unknown>): string[] | undefined {
  const raw = config.inputs ?? config.judgmentInputs;
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || isDynamic(raw)) return undefined;
  const out = raw.map((i) =>
    i && typeof i === "object" && "value" in i ? (i as { value: unknown }).value : i,
  );
  return out.some((i) => typeof i !== "string" || isDynamic(i)) ? undefined : (out as string[]);
}

/** Names of the pipelines a pipeline may start (pipeline stages, rolling deploys' validation pipelines). */
function childNames(pipeline: Pipeline): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  const name = (value: unknown) =>
    out.push(typeof value === "string" && !isDynamic(value) ? value : undefined);
  for (const stage of pipeline.stages) {
    if (stage.type === "pipeline") name(stage.config.pipeline);
    if (stage.type === "deploy" && Array.isArray(stage.config.clusters)) {
      for (const c of stage.config.clusters as Record<string, unknown>[]) {
        const before = c?.pipelineBeforeCleanup as Record<string, unknown> | undefined;
        if (before) name(before.pipeline);
      }
    }
  }
  return out;
}

/**
 * The manual judgments of the pipeline and of the pipelines it can start (a `--judge` answer is
 * also given to child executions). Undefined when a child pipeline's name is an expression: then
 * any stage may be meant.
 */
function judgmentsOf(pipeline: Pipeline, resolver: PipelineResolver): Judgment[] | undefined {
  const out: Judgment[] = [];
  const seen = new Set<string>();
  const queue: Pipeline[] = [pipeline];
  while (queue.length > 0) {
    const p = queue.shift()!;
    if (seen.has(p.name)) continue;
    seen.add(p.name);
    for (const s of p.stages) {
      if (s.type === "manualJudgment")
        out.push({ id: s.id, name: s.name, inputs: inputsOf(s.config), pipeline: p.name });
    }
    for (const name of childNames(p)) {
      if (name === undefined) return undefined;
      const found = resolver.resolve(name);
      if (!("error" in found)) queue.push(found.pipeline);
    }
  }
  return out;
}

/**
 * Checks `--judge STAGE=INPUT` answers before anything runs: STAGE must be a manual judgment (by id
 * or name) and INPUT one of its inputs, `continue` or `stop`. Returns one message per bad answer.
 */
export function checkJudgeAnswers(
  answers: Record<string, string>,
  pipeline: Pipeline,
  resolver: PipelineResolver,
): string[] {
  const judgments = judgmentsOf(pipeline, resolver);
  if (!judgments) return [];
  const problems: string[] = [];
  const known = judgments.map((j) => (j.pipeline === pipeline.name ? j.id : `${j.id} (in ${j.pipeline})`));
  for (const [key, input] of Object.entries(answers)) {
    const matches = judgments.filter((j) => j.id === key || j.name === key);
    if (matches.length === 0) {
      const other = pipeline.stages.find((s) => s.id === key || s.name === key);
      problems.push(
        `--judge ${key}=${input}: ${other ? `stage '${key}' is a ${other.type} stage, not a manual judgment` : `no stage '${key}'`}; ${
          known.length > 0
            ? `the manual judgments are: ${known.join(", ")}`
            : `'${pipeline.name}' has no manual judgment`
        }.`,
      );
      continue;
    }
    const word = input.trim().toLowerCase();
    if (word === "stop" || word === "continue") continue;
    for (const j of matches) {
      if (j.inputs === undefined || j.inputs.length === 0 || j.inputs.includes(input.trim())) continue;
      problems.push(
        `--judge ${key}=${input}: '${input}' is not an input of the judgment '${j.name}'; its inputs are ${j.inputs.join(", ")} (or continue, stop).`,
      );
    }
  }
  return problems;
}
