import * as readline from "node:readline";
import type { JudgmentAnswer, JudgmentGateway, JudgmentRequest } from "@capstan/core";

/**
 * Answers from `--judge stageId=input` (by stage id or name) first; then, on a terminal, a prompt
 * showing the instructions and inputs; otherwise no answer, so `capstan judge` must give one.
 */
export function cliJudgmentGateway(options: {
  answers: Record<string, string>;
  user: string;
  interactive: boolean;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Called around an interactive prompt (the live view pauses meanwhile). */
  onPrompt?: (open: boolean) => void;
  /** Printed when nobody can answer here. */
  onWaiting?: (request: JudgmentRequest) => void;
}): JudgmentGateway {
  const used = new Set<string>();
  let queue: Promise<unknown> = Promise.resolve();
  return {
    async request(req): Promise<JudgmentAnswer | undefined> {
      const key = [req.refId, req.stageName].find((k) => k in options.answers && !used.has(k));
      if (key !== undefined) {
        used.add(key);
        const input = options.answers[key];
        return input.toLowerCase() === "stop"
          ? { kind: "stop", user: options.user }
          : { kind: "continue", input, user: options.user };
      }
      if (!options.interactive) {
        options.onWaiting?.(req);
        return undefined;
      }
      // One prompt at a time, even when parallel judgments wait.
      const answer = queue.then(() => prompt(req, options));
      queue = answer.catch(() => undefined);
      return answer;
    },
  };
}

async function prompt(
  req: JudgmentRequest,
  options: {
    user: string;
    input?: NodeJS.ReadableStream;
    output?: NodeJS.WritableStream;
    onPrompt?: (open: boolean) => void;
  },
): Promise<JudgmentAnswer | undefined> {
  if (req.signal.aborted) return undefined;
  const output = options.output ?? process.stderr;
  options.onPrompt?.(true);
  const rl = readline.createInterface({ input: options.input ?? process.stdin, output, terminal: false });
  try {
    const choices = req.inputs.length > 0 ? [...req.inputs, "stop"] : ["continue", "stop"];
    output.write(`\nManual judgment '${req.stageName}' (${req.refId}) of execution ${req.executionId}\n`);
    if (req.instructions) output.write(`  ${req.instructions.replace(/\n/g, "\n  ")}\n`);
    output.write(
      `  Enter picks ${choices[0]}. From another terminal: capstan judge ${req.executionId} ${req.refId} <${choices.join("|")}>\n`,
    );
    while (!req.signal.aborted) {
      const line = await new Promise<string | undefined>((resolve) => {
        const onAbort = () => resolve(undefined);
        req.signal.addEventListener("abort", onAbort, { once: true });
        rl.question(`  Choose ${choices.join(" | ")} [${choices[0]}]: `, (a) => {
          req.signal.removeEventListener("abort", onAbort);
          resolve(a);
        });
        rl.once("close", () => resolve(undefined));
      });
      if (line === undefined) return undefined;
      const word = line.trim() === "" ? choices[0] : line.trim();
      if (word.toLowerCase() === "stop") return { kind: "stop", user: options.user };
      if (choices.includes(word)) return { kind: "continue", input: word, user: options.user };
      output.write(`  '${word}' is not one of: ${choices.join(", ")}\n`);
    }
    return undefined;
  } finally {
    rl.close();
    options.onPrompt?.(false);
  }
}
