import type { Command } from "./commands.js";
import { notify } from "./notifications.js";
import type { StageRecord } from "./record.js";
import type { RunState } from "./run-state.js";
import { isComplete } from "./status.js";

/** Applies the inbox's commands not applied yet, journaling each one's effect or rejection. */
export function applyCommands(run: RunState): void {
  run.commandsDirty = false;
  const applied = new Set(run.record.appliedCommands);
  for (const c of run.services.store.readCommands(run.record.id)) {
    if (applied.has(c.id)) continue;
    applied.add(c.id);
    const rejection = applyCommand(run, c);
    if (rejection) run.emit({ kind: "command.rejected", commandId: c.id, reason: rejection });
  }
}

/** Applies one command; returns why it was rejected, if it was. */
function applyCommand(run: RunState, c: Command): string | undefined {
  if (isComplete(run.record.status)) return `the execution already ended ${run.record.status}`;
  if (c.type === "cancel") {
    run.emit({ kind: "execution.cancel-requested", user: c.user, reason: c.reason, commandId: c.id });
    return undefined;
  }
  const s = run.byRef.get(c.refId) ?? run.record.stages.find((x) => x.name === c.refId);
  if (!s) return `no stage '${c.refId}'`;
  if (s.status !== "RUNNING") return `stage '${s.refId}' is ${s.status}, not running`;
  // An inbox file may hold a type this engine does not know: it is accepted and does nothing.
  let rejection: string | undefined;
  if (c.type === "judge") rejection = judge(run, s, c);
  else if (c.type === "skip-window") rejection = skipWindow(run, s, c);
  else if (c.type === "skip") rejection = skip(run, s, c);
  if (rejection) return rejection;
  // The stage's handler sees the command's effect at its next poll, which is now.
  run.nextPollAt.set(s.refId, 0);
  return undefined;
}

type CommandOf<T extends Command["type"]> = Extract<Command, { type: T }>;

/** Ends the wait for the stage's execution window (and its jitter). */
function skipWindow(run: RunState, s: StageRecord, c: CommandOf<"skip-window">): string | undefined {
  if (s.phase !== "window" && s.phase !== "jitter") return `stage '${s.refId}' is not waiting for its window`;
  run.emit({ kind: "window.skipped", refId: s.refId, user: c.user, commandId: c.id });
  return undefined;
}

/** Asks a skippable stage (its handler says so) to end early. */
function skip(run: RunState, s: StageRecord, c: CommandOf<"skip">): string | undefined {
  if (!run.handlerOf(s)?.skippable) return `stage '${s.refId}' (${s.type}) cannot be skipped`;
  run.emit({ kind: "stage.skip-requested", refId: s.refId, user: c.user, commandId: c.id });
  return undefined;
}

/**
 * A judgment of a manual judgment stage: `stop`, or continue with one of its inputs (any word
 * when it declares none; `continue` always).
 */
function judge(run: RunState, s: StageRecord, c: CommandOf<"judge">): string | undefined {
  if (s.type !== "manualJudgment") return `stage '${s.refId}' is not a manual judgment`;
  if (s.context.judgmentStatus) return `stage '${s.refId}' was already judged`;
  const inputs = (s.context.inputs as string[] | undefined) ?? [];
  const word = c.input.trim();
  if (word.toLowerCase() === "stop") {
    run.emit({
      kind: "judgment.given",
      refId: s.refId,
      judgmentStatus: "stop",
      user: c.user,
      commandId: c.id,
    });
    notify(run, "judgment.stop", s);
    return undefined;
  }
  if (inputs.length > 0 && !inputs.includes(word) && word.toLowerCase() !== "continue") {
    return `'${word}' is not an input of stage '${s.refId}' (inputs: ${inputs.join(", ")}, or stop)`;
  }
  const judgmentInput = inputs.includes(word) || word.toLowerCase() !== "continue" ? word : undefined;
  run.emit({
    kind: "judgment.given",
    refId: s.refId,
    judgmentStatus: "continue",
    judgmentInput,
    user: c.user,
    commandId: c.id,
  });
  notify(run, "judgment.continue", s);
  return undefined;
}
