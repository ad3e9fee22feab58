import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { systemClock } from "./clock.js";
import { startExecution } from "./engine.js";
import { FileStateStore } from "./file-store.js";
import { maskSecrets } from "./mask.js";
import { nodeProcessRunner } from "./node-services.js";
import { SpelEvaluator } from "./spel-evaluator.js";
import { harness, pipelineFrom } from "./testdata/kit.js";

describe("secrets", () => {
  it("masks values in strings and keys, longest first, not short ones", () => {
    expect(maskSecrets({ a: "x-hunter22-y", hunter22: ["abc"] }, ["hunter22", "abc"])).toEqual({
      a: "x-***-y",
      "***": ["abc"],
    });
  });

  it("reach the handlers but never the journal or the logs", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-secret-"));
    const store = new FileStateStore(dir);
    const { services } = harness({
      store,
      clock: systemClock,
      expressions: new SpelEvaluator(),
      processes: nodeProcessRunner,
      env: { PATH: process.env.PATH ?? "" },
      secrets: { TOKEN: "s3cr3t-value", OTHER: "not-declared" },
      workingDirectory: dir,
    });
    const pipeline = pipelineFrom(`
name: p
secrets: [TOKEN]
stages:
  - id: use
    type: run
    env: { TOKEN: "\${ secrets.TOKEN }" }
    command: 'echo "token is $TOKEN"; test "$TOKEN" = s3cr3t-value && echo "seen=$TOKEN" > "$CAPSTAN_OUTPUT"'
`);
    const { runner } = startExecution(services, { pipeline, executionId: "m1" });
    const record = await runner!.run();
    store.close();
    expect(record.stages[0].status).toBe("SUCCEEDED");
    const journal = fs.readFileSync(path.join(dir, "executions", "m1", "journal.jsonl"), "utf8");
    expect(journal).not.toContain("s3cr3t-value");
    expect(journal).toContain('"TOKEN":"***"');
    expect(store.readLog("m1", "use")).toBe("token is ***\n");
    expect(runner!.masked(record).stages[0].outputs).toEqual({ seen: "***" });
  });
});
