import type { StageContext, StageHandler, TaskResult } from "../../engine/handler.js";

const THREE_DAYS_MS = 3 * 24 * 60 * 60 * 1000;

function inputsOf(ctx: StageContext): string[] {
  const raw = ctx.stage.context.inputs ?? ctx.stage.context.judgmentInputs;
  if (!Array.isArray(raw)) return [];
  return raw.map((i) =>
    i && typeof i === "object" && "value" in i ? String((i as { value: unknown }).value) : String(i),
  );
}

function check(ctx: StageContext): TaskResult | undefined {
  const status = String(ctx.stage.context.judgmentStatus ?? "").toLowerCase();
  if (status === "continue") return { status: "SUCCEEDED" };
  if (status === "stop") {
    return {
      status: "TERMINAL",
      error: `stopped at manual judgment by ${String(ctx.stage.context.lastModifiedBy ?? "someone")}`,
    };
  }
  return undefined;
}

/** Asks the gateway (prompt, --judge answers ...) and turns its answer into a judge command. */
function ask(ctx: StageContext): TaskResult {
  const done = check(ctx);
  if (done) return done;
  ctx.notify("judgment.awaiting");
  const gateway = ctx.services.judgments;
  const inputs = inputsOf(ctx);
  if (gateway) {
    const answer = gateway.request({
      executionId: ctx.execution.id,
      refId: ctx.stage.refId,
      stageName: ctx.stage.name,
      instructions:
        typeof ctx.stage.context.instructions === "string" ? ctx.stage.context.instructions : undefined,
      inputs,
      signal: ctx.signal,
    });
    void ctx.external(answer).then(
      (a) => {
        if (!a || ctx.signal.aborted) return;
        ctx.command({
          type: "judge",
          refId: ctx.stage.refId,
          input: a.kind === "stop" ? "stop" : (a.input ?? "continue"),
          user: a.user,
        });
      },
      () => undefined,
    );
  }
  return {
    status: "RUNNING",
    waitingFor: `judgment${inputs.length > 0 ? ` (${inputs.join(" | ")} | stop)` : " (continue | stop)"}`,
  };
}

/** `manualJudgment`: waits for continue (SUCCEEDED, input recorded) or stop (TERMINAL, then onFailure). */
export const manualJudgmentStage: StageHandler = {
  type: "manualJudgment",
  defaultTimeoutMs: THREE_DAYS_MS,
  start: ask,
  poll: (ctx) => check(ctx) ?? { status: "RUNNING", waitingFor: String(ctx.stage.waitingFor ?? "judgment") },
  // After a crash the prompt is gone: ask again unless the judgment was already recorded.
  resume: ask,
};
