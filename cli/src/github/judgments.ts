// The manual judgments a checkout declares, and the approval comment that chooses an input: the
// action's judge mode (action/src/judgment-input.ts) takes the comment's first word, without
// trailing punctuation, case-insensitively, as the input; an empty comment means the first input.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { didYouMean, LENIENT_MATCH, planSegments, validatePipelineText } from "@capstan/core";
import { pipelineFiles } from "../pipeline-files.js";

/** A manual judgment as the pipeline file declares it, with the GitHub environment its gate waits on. */
export interface JudgmentInfo {
  /** The pipeline's name (its workflow is `Capstan: <name>`). */
  pipeline: string;
  /** The pipeline file, relative to the checkout. */
  file: string;
  /** The stage id. */
  stage: string;
  name: string;
  instructions?: string;
  inputs: string[];
  environment: string;
}

function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((i) =>
    i && typeof i === "object" && "value" in i ? String((i as { value: unknown }).value) : String(i),
  );
}

/** The manual judgments of one pipeline file's text. */
export function judgmentsOfPipeline(text: string, file: string): JudgmentInfo[] {
  let pipeline: ReturnType<typeof validatePipelineText>["pipeline"];
  try {
    pipeline = validatePipelineText(text, file).pipeline;
  } catch {
    return [];
  }
  if (!pipeline?.stages) return [];
  // The environment each gate job waits on, as `capstan compile` and the action compute it.
  const gates = new Map(planSegments(pipeline).gates.map((g) => [g.stage, g.environment]));
  const out: JudgmentInfo[] = [];
  for (const stage of pipeline.stages) {
    if (stage.type !== "manualJudgment") continue;
    const fields = stage as unknown as Record<string, unknown>;
    const environment =
      gates.get(stage.id) ?? (typeof fields.environment === "string" ? fields.environment : "");
    if (!environment) continue;
    out.push({
      pipeline: pipeline.name,
      file,
      stage: stage.id,
      name: typeof stage.name === "string" && stage.name ? stage.name : stage.id,
      instructions: typeof fields.instructions === "string" ? fields.instructions : undefined,
      inputs: strings(fields.inputs),
      environment,
    });
  }
  return out;
}

/**
 * The judgments of a checkout: every pipeline in `.capstan/pipelines/`, and the pipeline a local
 * workflow file names (`pipeline:` of its Capstan steps), when the run's workflow is given.
 */
export function checkoutJudgments(root: string, workflowPath?: string): JudgmentInfo[] {
  const files = new Set(pipelineFiles(root, []).files.map((f) => f.split("\\").join("/")));
  if (workflowPath && existsSync(join(root, workflowPath))) {
    const named = /^\s+pipeline:\s*["']?([^"'\s#,}]+)/m.exec(readFileSync(join(root, workflowPath), "utf8"));
    if (named && existsSync(resolve(root, named[1]))) files.add(named[1]);
  }
  const out: JudgmentInfo[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(resolve(root, file), "utf8");
    } catch {
      continue;
    }
    out.push(...judgmentsOfPipeline(text, file));
  }
  return out;
}

/** The first word of a comment as the judge mode reads it. */
export function firstWord(comment: string): string {
  return (comment.trim().split(/\s+/)[0] ?? "").replace(/[.,:;!?]+$/, "");
}

export type ApprovalComment = { ok: true; input?: string; comment: string } | { ok: false; error: string };

/**
 * The comment that approves `judgment` with `input` (its first word), followed by `note`. Refuses
 * an input the judgment does not declare (with a did-you-mean), a missing one, and one that no
 * comment can choose (the action reads a single word).
 */
export function approvalComment(
  judgment: JudgmentInfo,
  input: string | undefined,
  note = "",
): ApprovalComment {
  const rest = note.trim();
  const { inputs } = judgment;
  const list = inputs.join(", ");
  if (inputs.length === 0) {
    if (input !== undefined && input.toLowerCase() !== "continue") {
      return {
        ok: false,
        error: `'${judgment.name}' declares no inputs: approve without one (or with 'continue').`,
      };
    }
    return { ok: true, comment: rest };
  }
  if (input === undefined || input.trim() === "") {
    return { ok: false, error: `give one of the inputs of '${judgment.name}': ${list}.` };
  }
  const chosen = inputs.find((i) => i.toLowerCase() === input.trim().toLowerCase());
  if (!chosen) {
    return {
      ok: false,
      error: `'${input}' is not an input of '${judgment.name}' (inputs: ${list}).${didYouMean(input, inputs, "'", LENIENT_MATCH)}`,
    };
  }
  if (firstWord(chosen).toLowerCase() !== chosen.toLowerCase()) {
    return {
      ok: false,
      error: `the input '${chosen}' of '${judgment.name}' cannot be chosen in an approval comment: the action reads the comment's first word (without trailing punctuation). Rename it to one word in ${judgment.file}.`,
    };
  }
  return { ok: true, input: chosen, comment: rest ? `${chosen} ${rest}` : chosen };
}
