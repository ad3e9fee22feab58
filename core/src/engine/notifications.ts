import { scopeOf } from "./expression-scope.js";
import type { StageRecord } from "./record.js";
import type { RunState } from "./run-state.js";

/**
 * Sends the notifications the stage `s` (or, without one, the pipeline) declares for `event`,
 * with their messages rendered in its scope; what was delivered is journaled when it is known.
 */
export function notify(run: RunState, event: string, s?: StageRecord): void {
  const notifier = run.services.notifier;
  if (!notifier) return;
  const model = s ? run.models.get(s.refId) : undefined;
  const list = s ? model?.notifications : run.pipeline.notifications;
  if (!list || list.length === 0) return;
  run.flush();
  const scope = scopeOf(run, s);
  const render = (text: string): string => {
    const out = run.services.expressions.evaluateTree(text, scope).value;
    return typeof out === "string" ? out : JSON.stringify(out);
  };
  run.track(
    notifier
      .send({ event, execution: run.record, pipeline: run.pipeline, stage: s, stageModel: model, render })
      .then((results) => {
        for (const notification of results) run.emit({ kind: "notification.delivered", notification });
        run.flush();
      }),
  );
}
