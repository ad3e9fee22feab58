import type { Diagnostic, Span } from "../diagnostics/diagnostic.js";
import type { LoadedDocument } from "../loader/yaml-loader.js";
import { NodeSourceReader } from "../model/node-source.js";
import type { Pipeline, RunsOn, Stage } from "../model/types.js";
import type { SegmentPlan } from "./plan.js";

/** The runner of jobs when neither the pipeline nor a stage names one. */
export const DEFAULT_RUNS_ON = "ubuntu-latest";

/** GitHub-hosted runner images are labelled `ubuntu-*`, `windows-*` and `macos-*`. */
const HOSTED_LABEL = /^(?:ubuntu|windows|macos)-/i;

/** A job's runner and where it was named (absent: the default). */
export interface JobRunner {
  runsOn: RunsOn;
  /** The `runsOn` value in the pipeline file that chose it; absent for the default. */
  span?: Span;
  /** The stage whose `runsOn` chose it; absent when it is the pipeline's (or the default). */
  stage?: string;
}

function labelsOf(runsOn: RunsOn): string[] {
  if (typeof runsOn === "string") return [runsOn];
  if (Array.isArray(runsOn)) return runsOn;
  const { labels } = runsOn;
  return labels === undefined ? [] : typeof labels === "string" ? [labels] : labels;
}

/**
 * Whether a job with this runner lands on a GitHub-hosted machine (a fresh one for every job):
 * no `self-hosted` label and an `ubuntu-*`, `windows-*` or `macos-*` one. A group or custom labels
 * alone are taken for self-hosted runners.
 */
export function isGithubHosted(runsOn: RunsOn): boolean {
  const labels = labelsOf(runsOn);
  if (labels.some((l) => l.toLowerCase() === "self-hosted")) return false;
  return labels.some((l) => HOSTED_LABEL.test(l));
}

/** `runs-on` as the workflow writes it (a copy: the workflow document must not share the model's). */
export function runsOnValue(runsOn: RunsOn): RunsOn {
  if (typeof runsOn === "string") return runsOn;
  if (Array.isArray(runsOn)) return [...runsOn];
  const out: { group?: string; labels?: string | string[] } = {};
  if (runsOn.group !== undefined) out.group = runsOn.group;
  if (runsOn.labels !== undefined) out.labels = runsOn.labels;
  return out;
}

const sameRunner = (a: RunsOn, b: RunsOn) => JSON.stringify(a) === JSON.stringify(b);

function show(runsOn: RunsOn): string {
  if (typeof runsOn === "string") return runsOn;
  if (Array.isArray(runsOn)) return `[${runsOn.join(", ")}]`;
  const parts = [];
  if (runsOn.group !== undefined) parts.push(`group: ${runsOn.group}`);
  if (runsOn.labels !== undefined) parts.push(`labels: ${show(runsOn.labels)}`);
  return `{ ${parts.join(", ")} }`;
}

/** The runner of every job of the plan, and the conflicts between stages of one job. */
export function planRunners(
  pipeline: Pipeline,
  plan: SegmentPlan,
): { runners: Map<string, JobRunner>; diagnostics: Diagnostic[] } {
  const pipelineRunner: JobRunner =
    pipeline.runsOn !== undefined
      ? { runsOn: pipeline.runsOn, span: pipeline.source.fields.runsOn?.value }
      : { runsOn: DEFAULT_RUNS_ON };
  const byId = new Map(pipeline.stages.map((s) => [s.id, s]));
  const stageRunner = (stage: Stage): JobRunner | undefined =>
    stage.runsOn !== undefined
      ? { runsOn: stage.runsOn, span: stage.source.fields.runsOn?.value, stage: stage.id }
      : undefined;
  const runners = new Map<string, JobRunner>();
  const diagnostics: Diagnostic[] = [];
  if (plan.preflight) runners.set(plan.preflight, pipelineRunner);
  for (const segment of plan.segments) {
    let chosen: JobRunner | undefined;
    for (const id of segment.stages) {
      const stage = byId.get(id)!;
      // A judgment's runsOn is its gate job's: the segment only reaches it.
      const own = stage.type === "manualJudgment" ? undefined : stageRunner(stage);
      if (!own) continue;
      if (!chosen) chosen = own;
      else if (!sameRunner(chosen.runsOn, own.runsOn)) {
        diagnostics.push({
          code: "runs-on-conflict",
          severity: "error",
          message: `Stages '${chosen.stage}' and '${own.stage}' run in the same GitHub job '${segment.id}' but ask for different runners (${show(chosen.runsOn)}, ${show(own.runsOn)}). Give them the same runsOn, or let only one of them name it: the stages of a job run on one runner, and a manual judgment between them starts a new job.`,
          span: own.span ?? byId.get(id)!.source.span,
        });
      }
    }
    runners.set(segment.id, chosen ?? pipelineRunner);
  }
  for (const gate of plan.gates) runners.set(gate.id, stageRunner(byId.get(gate.stage)!) ?? pipelineRunner);
  runners.set(plan.finalize, pipelineRunner);
  return { runners, diagnostics };
}

/** The providers a server-group stage acts through, each with the span that decides it. */
function stageProviders(
  stage: Stage,
  deployedBy: Map<string, string>,
  reader: NodeSourceReader | undefined,
): { provider: string; span: Span }[] {
  const config = stage.config;
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  if (stage.type === "deploy") {
    const clusters = Array.isArray(config.clusters) ? config.clusters : [];
    return clusters.flatMap((c, i) => {
      if (!c || typeof c !== "object") return [];
      const entry = reader?.at(["stages", stage.index, "clusters", i]);
      const span = entry?.fields.provider?.value ?? entry?.span ?? stage.source.span;
      return [{ provider: str((c as Record<string, unknown>).provider) ?? "local", span }];
    });
  }
  const cluster = str(config.cluster) ?? str(config.serverGroupName)?.replace(/-v\d{3,}$/, "");
  const provider =
    str(config.provider) ??
    str(config.cloudProvider) ??
    (cluster !== undefined ? deployedBy.get(cluster) : undefined) ??
    "local";
  const fields = stage.source.fields;
  return [{ provider, span: (fields.provider ?? fields.cluster ?? fields.type)?.value ?? stage.source.span }];
}

/** `application-stack-detail` of a deploy cluster entry. */
function clusterNameOf(entry: Record<string, unknown>): string | undefined {
  const part = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const application = part(entry.application);
  if (!application) return undefined;
  return [application, part(entry.stack) ?? (part(entry.detail) ? "" : undefined), part(entry.detail)]
    .filter((p) => p !== undefined)
    .join("-");
}

/**
 * `local-provider-hosted-runner`: a stage on the `local` provider in a job that runs on a
 * GitHub-hosted runner. The local provider keeps its server groups in a supervisor on one machine;
 * a hosted runner is a fresh machine for every job, so the jobs after the first would find none.
 */
export function checkLocalProviderRunners(
  pipeline: Pipeline,
  plan: SegmentPlan,
  runners: Map<string, JobRunner>,
  serverGroupTypes: ReadonlySet<string>,
  document?: LoadedDocument,
): Diagnostic[] {
  const reader = document ? new NodeSourceReader(document) : undefined;
  const deployedBy = new Map<string, string>();
  for (const stage of pipeline.stages) {
    if (stage.type !== "deploy" || !Array.isArray(stage.config.clusters)) continue;
    for (const c of stage.config.clusters) {
      if (!c || typeof c !== "object") continue;
      const entry = c as Record<string, unknown>;
      const name = clusterNameOf(entry);
      if (name) deployedBy.set(name, typeof entry.provider === "string" ? entry.provider : "local");
    }
  }
  // One diagnostic per runner that needs changing (the pipeline's, or a stage's), naming its stages.
  const byRunner = new Map<JobRunner, { stages: string[]; jobs: string[]; span: Span }>();
  for (const stage of pipeline.stages) {
    if (!serverGroupTypes.has(stage.type)) continue;
    const job = plan.segmentOf.get(stage.id);
    const runner = job ? runners.get(job) : undefined;
    if (!job || !runner || !isGithubHosted(runner.runsOn)) continue;
    const local = stageProviders(stage, deployedBy, reader).find((p) => p.provider === "local");
    if (!local) continue;
    const entry = byRunner.get(runner);
    if (!entry) byRunner.set(runner, { stages: [stage.id], jobs: [job], span: runner.span ?? local.span });
    else {
      entry.stages.push(stage.id);
      if (!entry.jobs.includes(job)) entry.jobs.push(job);
    }
  }
  return [...byRunner].map(([runner, { stages, jobs, span }]) => {
    const names = stages.map((s) => `'${s}'`);
    const subject =
      names.length === 1
        ? `Stage ${names[0]} uses`
        : `Stages ${names.length > 4 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`} use`;
    const their =
      jobs.length === 1
        ? `${stages.length === 1 ? "its" : "their"} job '${jobs[0]}' runs`
        : `their jobs ${jobs.map((j) => `'${j}'`).join(", ")} run`;
    const where = `GitHub-hosted ${show(runner.runsOn)}${runner.span === undefined ? " (the default)" : ""}`;
    const fix =
      runner.stage === undefined
        ? "`runsOn: [self-hosted, deploy]` on the pipeline, with your runner's labels"
        : `\`runsOn: [self-hosted, deploy]\` on stage '${runner.stage}' (or the pipeline), with your runner's labels`;
    return {
      code: "local-provider-hosted-runner",
      severity: "error",
      message:
        `${subject} the local provider, but ${their} on ${where}: a fresh machine for every job, where the server groups of earlier jobs do not exist. ` +
        `Run the jobs on one self-hosted runner machine that keeps the local supervisor running (${fix}; see docs/github.md), ` +
        "or deploy with a real provider such as kubernetes.",
      // At the hosted runsOn when the file names one, else at what makes the first stage local.
      span,
    } satisfies Diagnostic;
  });
}
