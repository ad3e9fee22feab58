import type {
  ExecutionObserver,
  ExecutionRecord,
  ExecutionRunner,
  FileStateStore,
  JournalEvent,
} from "@capstan/core";
import type { CliIo } from "../io.js";
import { LiveView, lineProgress } from "./progress.js";
import { claimExecution, failureReport } from "./state.js";

/** How a run shows itself: the live view on a terminal, lines otherwise, to stderr under --json. */
export function progressFor(io: CliIo, json: boolean): { observer: ExecutionObserver; live?: LiveView } {
  const write = json ? io.stderr : io.stdout;
  if (io.isTTY && !json) {
    const live = new LiveView(write, Date.now, process.stdout.columns || 120);
    return { observer: live, live };
  }
  return { observer: lineProgress(write) };
}

/** Fans events out to several observers. */
export function observers(...list: (ExecutionObserver | undefined)[]): ExecutionObserver {
  return {
    onEvent: (e: JournalEvent, r: ExecutionRecord) => {
      for (const o of list) o?.onEvent?.(e, r);
    },
    onLog: (ref: string, text: string) => {
      for (const o of list) o?.onLog?.(ref, text);
    },
  };
}

/** Runs an execution to its end: owns it, cancels on Ctrl-C, prints the result; exit 0 on SUCCEEDED. */
export async function driveExecution(
  runner: ExecutionRunner,
  options: { io: CliIo; store: FileStateStore; json: boolean; live?: LiveView },
): Promise<{ record: ExecutionRecord; code: number }> {
  const { io, store } = options;
  const release = claimExecution(store, runner.id);
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      io.stderr(`\ncanceling execution ${runner.id} (Ctrl-C again to leave it running and exit)\n`);
      runner.command({ type: "cancel", user: "ctrl-c", reason: "canceled from the terminal" });
    } else {
      release();
      process.exit(130);
    }
  };
  process.on("SIGINT", onSigint);
  options.live?.start();
  try {
    const record = await runner.run();
    options.live?.stop();
    // A failed stage's last output lines and where the rest is ("exited with code 3" alone says little).
    const report = failureReport(store, record, io.cwd);
    if (report) (options.json ? io.stderr : io.stdout)(report);
    if (options.json) io.stdout(`${JSON.stringify(runner.masked(record), null, 2)}\n`);
    return { record, code: record.status === "SUCCEEDED" ? 0 : 1 };
  } finally {
    process.off("SIGINT", onSigint);
    release();
  }
}
