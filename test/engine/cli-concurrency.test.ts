// limitConcurrent / keepWaitingPipelines for local runs, through `capstan run` in-process.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/src/main.js";
import { io, root } from "./cli-io.js";

const fixtures = path.join(root, "test", "engine", "fixtures", "concurrency");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `count` executions exist in the state dir and returns their ids, oldest first. */
async function executions(stateDir: string, count: number): Promise<string[]> {
  const dir = path.join(stateDir, "executions");
  for (let i = 0; i < 200; i++) {
    const ids = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
    if (ids.length >= count) return ids;
    await sleep(50);
  }
  throw new Error(`expected ${count} executions`);
}

async function scenario(file: string) {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-conc-"));
  const args = (extra: string[]) => [
    "run",
    path.join(fixtures, file),
    "--state-dir",
    stateDir,
    "--json",
    ...extra,
  ];
  const a = io();
  const first = main(args([]), a); // waits for a judgment from another terminal
  const [firstId] = await executions(stateDir, 1);
  const b = io();
  const second = main(args(["--judge", "judge=go"]), b);
  await sleep(300);
  const c = io();
  const third = main(args(["--judge", "judge=go"]), c);
  await sleep(300);
  // Only the first is running; the other two wait their turn.
  expect(await executions(stateDir, 1)).toEqual([firstId]);
  expect(b.out.join("")).toContain("waiting (limitConcurrent)");
  expect(await main(["judge", firstId, "judge", "go", "--state-dir", stateDir], io())).toBe(0);
  const codes = await Promise.all([first, second, third]);
  const record = (out: string[]) =>
    JSON.parse(out.join("").slice(out.join("").indexOf("{"))) as {
      status: string;
      cancellationReason?: string;
      startTime: number;
    };
  return { codes, records: [record(a.out), record(b.out), record(c.out)] };
}

describe("local concurrency", () => {
  it("limitConcurrent without keepWaitingPipelines: the newest queued run starts, older ones are CANCELED", async () => {
    const { codes, records } = await scenario("gated.yml");
    expect(records.map((r) => r.status)).toEqual(["SUCCEEDED", "CANCELED", "SUCCEEDED"]);
    expect(records[1].cancellationReason).toMatch(/superseded/);
    expect(codes).toEqual([0, 1, 0]);
  }, 30_000);

  it("keepWaitingPipelines: waiting runs start one after another, oldest first", async () => {
    const { codes, records } = await scenario("gated-fifo.yml");
    expect(records.map((r) => r.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    expect(records[1].startTime).toBeLessThan(records[2].startTime);
    expect(codes).toEqual([0, 0, 0]);
  }, 30_000);
});
