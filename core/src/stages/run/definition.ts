import type { StageCommon } from "../../model/types.js";
import { list, map, str } from "../../schema/schema-kit.js";
import { requiredUnless } from "../../schema/stage-spec.js";
import { defineStage } from "../define-stage.js";
import { asString, asStrings, isData } from "../stage-fields.js";
import { runStage } from "./run-stage.js";

export interface RunStage extends StageCommon<"run"> {
  command?: string;
  args?: string[];
  env: Record<string, string>;
  workingDirectory?: string;
  shell?: string;
}

export const runDefinition = defineStage({
  type: "run",
  label: "Run Job / Script",
  description:
    "Run a command on the runner (Spinnaker: Script / Run Job). Exit code 0 succeeds. A JSON object or KEY=VALUE lines written to the file named by `$CAPSTAN_OUTPUT` become the stage's outputs.",
  group: "core",
  icon: "run",
  schema: {
    properties: {
      command: str("Shell command line, run by `shell`.", { examples: ["npm test"] }),
      args: list(str("One argument."), "Program and arguments, run without a shell (instead of `command`).", {
        minItems: 1,
        examples: [["node", "scripts/smoke.js"]],
      }),
      env: map(
        { type: ["string", "number", "boolean"], description: "Value of the variable." },
        "Environment variables for the command.",
        { examples: [{ LOG_LEVEL: "debug" }] },
      ),
      workingDirectory: str("Directory to run in, relative to the repository root.", { default: "." }),
      shell: str("Shell for `command`.", { default: "bash", examples: ["bash", "sh", "pwsh"] }),
    },
    allOf: [requiredUnless("command", "args")],
    example: {
      id: "smoke",
      type: "run",
      dependsOn: ["deploy"],
      command: "./scripts/smoke-test.sh",
      retryable: true,
    },
  },
  model(raw): Pick<RunStage, "command" | "args" | "env" | "workingDirectory" | "shell"> {
    return {
      command: asString(raw.command),
      args: Array.isArray(raw.args) ? asStrings(raw.args) : undefined,
      env: isData(raw.env) ? Object.fromEntries(Object.entries(raw.env).map(([k, v]) => [k, String(v)])) : {},
      workingDirectory: asString(raw.workingDirectory),
      shell: asString(raw.shell),
    };
  },
  // The outputs are the keys the command writes to `$CAPSTAN_OUTPUT`: known only when it runs.
  contextKeys: ["exitCode", "outputs"],
  docs: `Runs a command on this machine (Spinnaker's Script / Run Job): \`command\` with \`shell\` (default
\`bash\`), or \`args\` without a shell; in \`workingDirectory\` (relative to the repository root), with
the environment of \`capstan run\` plus \`env\`. Output is streamed to the live view and kept in
\`.capstan/executions/<id>/logs/<stage>.log\`. Exit code 0 => SUCCEEDED; anything else =>
TERMINAL with the code in \`context.exitCode\`, then \`onFailure\`. A file written at
\`$CAPSTAN_OUTPUT\` becomes the stage's outputs: a JSON object, or \`KEY=VALUE\` lines (Spinnaker's
property file; \`#\` comments). When the stage is canceled or times out the command gets SIGTERM,
then SIGKILL after 5 s.

If Capstan dies while the command runs, resuming cannot know whether it finished: the stage is
TERMINAL "interrupted", unless it says \`retryable: true\`, in which case it runs again.

\`\`\`yaml
- id: build
  type: run
  command: |
    npm ci && npm run build
    echo "version=$(node -p 'require(\\"./package.json\\").version')" >> "$CAPSTAN_OUTPUT"
  retryable: true
- id: tag
  type: run
  dependsOn: [build]
  args: [git, tag, "v\${ version }"]
\`\`\``,
  handler: runStage,
});
