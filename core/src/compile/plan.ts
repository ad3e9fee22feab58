import type { Pipeline, Stage } from "../model/types.js";
import type { ManualJudgmentStage } from "../stages/manual-judgment/definition.js";

/** A group of stages that one GitHub job runs: all stages with the same set of upstream judgments. */
export interface Segment {
  /** The job id, also the action's `segment` input (`run`, `after-judge`, `after-a-b`). */
  id: string;
  /** Ids of the manual judgments upstream of every stage of the segment, sorted. */
  judgments: string[];
  /** Stage ids in pipeline order. */
  stages: string[];
  /** Segment ids whose judgment sets are strict subsets of this one (transitively reduced). */
  after: string[];
}

/** A manual judgment's gate job: waits on a GitHub environment, then records the input. */
export interface Gate {
  /** The job id (`gate-<stage>`). */
  id: string;
  stage: string;
  environment: string;
  /** The segment whose job reaches (starts) the judgment. */
  segment: string;
}

/** How a pipeline is split into GitHub jobs; computed the same way by the compiler and the action. */
export interface SegmentPlan {
  segments: Segment[];
  gates: Gate[];
  /** Job id of the preflight job; absent when the pipeline has no judgments. */
  preflight?: string;
  finalize: string;
  /** Segment id of each stage. */
  segmentOf: Map<string, string>;
}

const JOB_ID = /[^A-Za-z0-9_-]/g;

/** A GitHub job id made from a stage id (job ids cannot hold dots and must start with a letter or `_`). */
export function jobIdPart(id: string): string {
  return id.replace(JOB_ID, "_");
}

/** Upstream manual judgments of every stage (strict ancestors only). */
export function upstreamJudgments(pipeline: Pipeline): Map<string, Set<string>> {
  const byId = new Map(pipeline.stages.map((s) => [s.id, s]));
  const memo = new Map<string, Set<string>>();
  const visiting = new Set<string>();
  const of = (stage: Stage): Set<string> => {
    const known = memo.get(stage.id);
    if (known) return known;
    const result = new Set<string>();
    if (visiting.has(stage.id)) return result; // a cycle: validation reports it
    visiting.add(stage.id);
    for (const dep of stage.dependsOn) {
      const parent = byId.get(dep);
      if (!parent) continue;
      for (const j of of(parent)) result.add(j);
      if (parent.type === "manualJudgment") result.add(parent.id);
    }
    visiting.delete(stage.id);
    memo.set(stage.id, result);
    return result;
  };
  for (const stage of pipeline.stages) of(stage);
  return memo;
}

const isSubset = (a: readonly string[], b: readonly string[]) => a.every((x) => b.includes(x));

/**
 * Partitions the stages into segments by their upstream judgments. A judgment stage belongs to
 * the segment that reaches it; its gate job records the answer and completes it.
 */
export function planSegments(pipeline: Pipeline): SegmentPlan {
  const upstream = upstreamJudgments(pipeline);
  const byKey = new Map<string, Segment>();
  const segmentOf = new Map<string, string>();
  const usedIds = new Set(["preflight", "finalize"]);
  const uniqueId = (base: string) => {
    let id = base;
    for (let n = 2; usedIds.has(id); n++) id = `${base}-${n}`;
    usedIds.add(id);
    return id;
  };
  for (const stage of pipeline.stages) {
    const judgments = [...(upstream.get(stage.id) ?? [])].sort();
    const key = judgments.join("\u0000");
    let segment = byKey.get(key);
    if (!segment) {
      const base = judgments.length === 0 ? "run" : `after-${judgments.map(jobIdPart).join("-")}`;
      // Long sets of judgments would make unreadable ids; GitHub allows 100 characters.
      const id = uniqueId(base.length > 80 ? `after-${byKey.size}` : base);
      segment = { id, judgments, stages: [], after: [] };
      byKey.set(key, segment);
    }
    segment.stages.push(stage.id);
    segmentOf.set(stage.id, segment.id);
  }
  const segments = [...byKey.values()].sort(
    (a, b) => a.judgments.length - b.judgments.length || a.id.localeCompare(b.id),
  );
  for (const segment of segments) {
    const below = segments.filter(
      (s) =>
        s !== segment &&
        s.judgments.length < segment.judgments.length &&
        isSubset(s.judgments, segment.judgments),
    );
    // Keep only the nearest ones: a segment already below another listed one is implied by it.
    segment.after = below
      .filter((s) => !below.some((t) => t !== s && isSubset(s.judgments, t.judgments)))
      .map((s) => s.id);
  }
  const gates: Gate[] = pipeline.stages
    .filter((s): s is ManualJudgmentStage => s.type === "manualJudgment")
    .map((s) => ({
      id: uniqueId(`gate-${jobIdPart(s.id)}`),
      stage: s.id,
      environment: s.environment,
      segment: segmentOf.get(s.id)!,
    }));
  return {
    segments,
    gates,
    preflight: gates.length > 0 ? "preflight" : undefined,
    finalize: "finalize",
    segmentOf,
  };
}

/** The jobs a job of the plan needs directly (the compiled workflow's `needs:`). */
export function jobNeeds(plan: SegmentPlan, jobId: string): string[] {
  if (jobId === plan.preflight) return [];
  if (jobId === plan.finalize) {
    return [
      ...(plan.preflight ? [plan.preflight] : []),
      ...plan.segments.map((s) => s.id),
      ...plan.gates.map((g) => g.id),
    ];
  }
  const gate = plan.gates.find((g) => g.id === jobId);
  if (gate) return [gate.segment];
  const segment = plan.segments.find((s) => s.id === jobId);
  if (!segment) return [];
  if (segment.judgments.length === 0) return plan.preflight ? [plan.preflight] : [];
  const gates = segment.judgments.map((j) => plan.gates.find((g) => g.stage === j)!);
  // The segment that reaches each judgment is listed too: its outputs say whether the judgment was skipped.
  const reaching = gates.map((g) => g.segment);
  return unique([...segment.after, ...reaching, ...gates.map((g) => g.id)]);
}

/** Every job upstream of a job, transitively (whose journals the job must read). */
export function jobAncestors(plan: SegmentPlan, jobId: string): string[] {
  const seen = new Set<string>();
  const visit = (id: string) => {
    for (const need of jobNeeds(plan, id)) {
      if (!seen.has(need)) {
        seen.add(need);
        visit(need);
      }
    }
  };
  visit(jobId);
  return allJobIds(plan).filter((id) => seen.has(id));
}

/** All job ids in workflow order: each job after the jobs it needs, otherwise in plan order. */
export function allJobIds(plan: SegmentPlan): string[] {
  const pending = [
    ...(plan.preflight ? [plan.preflight] : []),
    ...plan.segments.map((s) => s.id),
    ...plan.gates.map((g) => g.id),
    plan.finalize,
  ];
  const done: string[] = [];
  while (pending.length > 0) {
    const index = pending.findIndex((id) => jobNeeds(plan, id).every((n) => done.includes(n)));
    // A cycle cannot happen (needs follow judgment sets upwards); guard anyway.
    const [next] = pending.splice(Math.max(index, 0), 1);
    done.push(next);
  }
  return done;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
