import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { startExecution } from "./engine.js";
import { EventIdGenerator } from "./event-id.js";
import { FileStateStore } from "./file-store.js";
import { mergeJournals } from "./merge.js";
import { foldJournal } from "./reducers.js";
import { harness, pipelineFrom } from "./testdata/kit.js";

const yaml = `
name: p
stages:
  - { id: a, type: wait, duration: 1m }
  - { id: b, type: evaluateVariables, dependsOn: [a], variables: [{ key: k, value: v }] }
  - { id: c, type: wait, duration: 2m }
`;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "capstan-journal-"));
}

describe("journal and record", () => {
  it("the record is the fold of the journal the store kept", async () => {
    const dir = tempDir();
    const store = new FileStateStore(dir);
    const { services } = harness({ store });
    const r = await startExecution(services, {
      pipeline: pipelineFrom(yaml),
      executionId: "x1",
    }).runner!.run();
    store.close();
    const events = new FileStateStore(dir).read("x1");
    expect(foldJournal(events)).toEqual(r);
    expect(r.status).toBe("SUCCEEDED");
    expect(r.stages.map((s) => [s.refId, s.status, s.outputs])).toEqual([
      ["a", "SUCCEEDED", {}],
      ["b", "SUCCEEDED", { k: "v" }],
      ["c", "SUCCEEDED", {}],
    ]);
    // Ids are unique and sorted in append order.
    const ids = events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it("a torn last line (crash mid-write) is ignored, and the next append starts a new line", () => {
    const dir = tempDir();
    const store = new FileStateStore(dir);
    const ids = new EventIdGenerator("w1");
    store.append("x2", [{ kind: "execution.completed", status: "SUCCEEDED", ...ids.next(1) }]);
    store.close();
    fs.appendFileSync(path.join(dir, "executions", "x2", "journal.jsonl"), '{"kind":"stage.comp');
    const reopened = new FileStateStore(dir);
    expect(reopened.read("x2")).toHaveLength(1);
    reopened.append("x2", [{ kind: "execution.completed", status: "TERMINAL", ...ids.next(2) }]);
    expect(reopened.read("x2").map((e) => (e as { status: string }).status)).toEqual([
      "SUCCEEDED",
      "TERMINAL",
    ]);
    reopened.close();
  });

  it("journals from parallel writers merge by event id into one order", () => {
    const w1 = new EventIdGenerator("wa");
    const w2 = new EventIdGenerator("wb");
    const a = [
      { kind: "stage.skipped" as const, refId: "a", reason: "r", ...w1.next(10) },
      { kind: "stage.skipped" as const, refId: "b", reason: "r", ...w1.next(30) },
    ];
    const b = [{ kind: "stage.skipped" as const, refId: "c", reason: "r", ...w2.next(20) }];
    const merged = mergeJournals(a, b, a);
    expect(merged.map((e) => (e as { refId: string }).refId)).toEqual(["a", "c", "b"]);
    expect(mergeJournals(b, a)).toEqual(merged);
  });

  it("event ids never go back in time within a writer", () => {
    const g = new EventIdGenerator("w", 100);
    const first = g.next(50);
    const second = g.next(40);
    expect(first.ts).toBe(100);
    expect(second.id > first.id).toBe(true);
  });

  it("commands appended by another process are picked up by the running engine", async () => {
    const dir = tempDir();
    const store = new FileStateStore(dir, { pollMs: 10 });
    const { services } = harness({ store });
    const pipeline = pipelineFrom(`
name: p
stages:
  - { id: j, type: manualJudgment, inputs: [go] }
`);
    const prompt = {
      request: (req: { signal: AbortSignal }) =>
        new Promise<undefined>((resolve) => req.signal.addEventListener("abort", () => resolve(undefined))),
    };
    const { runner } = startExecution({ ...services, judgments: prompt }, { pipeline, executionId: "x3" });
    const done = runner!.run();
    // A second store object stands for `capstan judge` in another process.
    new FileStateStore(dir).appendCommand("x3", {
      id: "k1",
      ts: 1,
      type: "judge",
      refId: "j",
      input: "go",
      user: "eve",
    });
    const r = await done;
    expect(r.stages[0].context).toMatchObject({
      judgmentStatus: "continue",
      judgmentInput: "go",
      lastModifiedBy: "eve",
    });
    store.close();
  });
});
