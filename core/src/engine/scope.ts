import type { ExecutionRecord, StageRecord } from "./record.js";

/** What `execution` means inside expressions: the record, Orca-shaped, without engine internals. */
export function executionView(record: ExecutionRecord): Record<string, unknown> {
  return {
    id: record.id,
    name: record.pipeline,
    status: record.status,
    startTime: record.startTime,
    trigger: record.trigger,
    parameters: record.parameters,
    stages: record.stages,
  };
}

/**
 * Stages above `stage`, nearest first: its parents in `dependsOn` order, then theirs (Orca's
 * ancestor walk, used for the `${ key }` fallback to upstream outputs).
 */
export function ancestorsOf(stage: StageRecord, byRef: ReadonlyMap<string, StageRecord>): StageRecord[] {
  const seen = new Set<string>([stage.refId]);
  const out: StageRecord[] = [];
  let frontier = [stage];
  while (frontier.length > 0) {
    const next: StageRecord[] = [];
    for (const s of frontier) {
      for (const ref of s.dependsOn) {
        if (seen.has(ref)) continue;
        seen.add(ref);
        const parent = byRef.get(ref);
        if (!parent) continue;
        out.push(parent);
        next.push(parent);
      }
    }
    frontier = next;
  }
  return out;
}

/**
 * Root variables of an expression evaluated for `stage`: upstream outputs (nearest ancestor wins),
 * the stage's own outputs and context over them, then `parameters`, `trigger`, `execution`.
 */
export function buildRoot(
  record: ExecutionRecord,
  stage: StageRecord | undefined,
  byRef: ReadonlyMap<string, StageRecord>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  // No prototype: an output named `__proto__` or `constructor` is an ordinary key.
  const root: Record<string, unknown> = Object.create(null);
  if (stage) {
    const ancestors = ancestorsOf(stage, byRef);
    for (let i = ancestors.length - 1; i >= 0; i--) Object.assign(root, ancestors[i].outputs);
    Object.assign(root, stage.outputs, stage.context);
  }
  Object.assign(root, extra);
  root.parameters = record.parameters;
  root.trigger = record.trigger;
  root.execution = executionView(record);
  return root;
}
