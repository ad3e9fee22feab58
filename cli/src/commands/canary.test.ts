import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CliIo } from "../io.js";
import { main } from "../main.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-canary-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function io(stdin = "") {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    cwd: dir,
    env: { PATH: process.env.PATH },
    isTTY: false,
    readStdin: async () => stdin,
  };
  return { io: value, out: () => out.join(""), err: () => err.join("") };
}

function write(name: string, content: unknown): string {
  fs.writeFileSync(
    path.join(dir, name),
    typeof content === "string" ? content : JSON.stringify(content, null, 2),
  );
  return name;
}

// A seeded spread of latencies around a level.
function series(level: number, n = 120, seed = 1): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return level + ((s / 2147483648) * 10 - 5);
  });
}

const CONFIG = {
  name: "checkout",
  judge: { name: "NetflixACAJudge-v1.0", judgeConfigurations: {} },
  metrics: [
    {
      name: "latency",
      query: { type: "prometheus", metricName: "latency_ms", customInlineTemplate: "PromQL:avg(latency_ms)" },
      groups: ["perf"],
      analysisConfigurations: { canary: { direction: "increase" } },
    },
    {
      name: "throughput",
      query: { type: "prometheus", metricName: "requests_total", resourceType: "local" },
      groups: ["perf"],
      analysisConfigurations: { canary: { direction: "decrease" } },
    },
  ],
  classifier: { groupWeights: { perf: 100 } },
};
const config = write("checkout.json", CONFIG);

const pairs = (latency: [number, number], throughput: [number, number]) => [
  {
    name: "latency",
    tags: { zone: "a" },
    values: { control: series(latency[0]), experiment: series(latency[1], 120, 7) },
  },
  {
    name: "throughput",
    values: { control: series(throughput[0], 120, 3), experiment: series(throughput[1], 120, 9) },
  },
];

describe("capstan canary judge", () => {
  it("a clearly worse canary: High (and Low for a decrease metric), Fail, exit 1", async () => {
    const file = write("worse.json", pairs([100, 150], [500, 300]));
    const t = io();
    expect(await main(["canary", "judge", "--config", config, "--metric-set-pairs", file], t.io)).toBe(1);
    const lines = t.out().split("\n");
    expect(lines[0]).toMatch(/^metric\s+classification\s+control median\s+experiment median\s+reason$/);
    expect(lines[1]).toMatch(
      /^latency \{zone=a\}\s+High\s+\d+(\.\d+)?\s+\d+(\.\d+)?\s+the experiment is higher/,
    );
    expect(lines[2]).toMatch(/^throughput\s+Low\s+/);
    expect(t.out()).toContain("group scores:\n  perf: 0\n");
    expect(t.out()).toContain("score 0: Fail (marginal 50, pass 75)\n");
    expect(t.err()).toBe("");
  });

  it("identical pairs score 100: Pass, exit 0", async () => {
    const same = pairs([100, 100], [500, 500]).map((p) => ({
      ...p,
      values: { control: p.values.control, experiment: [...p.values.control].reverse() },
    }));
    const t = io();
    expect(
      await main(
        ["canary", "judge", "--config", config, "--metric-set-pairs", write("same.json", same)],
        t.io,
      ),
    ).toBe(0);
    expect(t.out()).toContain("score 100: Pass (marginal 50, pass 75)");
    expect(t.out()).toContain("the experiment and control data are identical");
  });

  it("empty pairs: Nodata, and the canary fails on too much missing data", async () => {
    const empty = [
      { name: "latency", values: { control: [], experiment: [] } },
      { name: "throughput", values: { control: [null, "NaN"], experiment: [] } },
    ];
    const t = io();
    expect(
      await main(
        ["canary", "judge", "--config", config, "--metric-set-pairs", write("empty.json", empty)],
        t.io,
      ),
    ).toBe(1);
    const table = t.out().split("\n");
    expect(table[1]).toMatch(/^latency\s+Nodata\s+-\s+-\s+no values on either side$/);
    expect(t.out()).toContain("perf: no metric counts (summed as 100)");
    expect(t.out()).toContain("Canary Failed: 50% or more metrics returned NODATA");
  });

  it("--json prints Kayenta's result shape; --marginal and --pass set the thresholds", async () => {
    // Latency worse, throughput the same: perf scores 50.
    const file = write(
      "half.json",
      pairs([100, 150], [500, 500]).map((p, i) =>
        i === 1 ? { ...p, values: { control: p.values.control, experiment: p.values.control } } : p,
      ),
    );
    const t = io();
    const args = ["canary", "judge", "--config", config, "--metric-set-pairs", file, "--json"];
    expect(await main(args, t.io)).toBe(1);
    const result = JSON.parse(t.out());
    expect(result.judgeName).toBe("NetflixACAJudge-v1.0");
    expect(result.score).toEqual({
      score: 50,
      classification: "Marginal",
      classificationReason: expect.any(String),
    });
    expect(result.groupScores[0]).toMatchObject({ name: "perf", score: 50 });
    expect(result.results[0]).toMatchObject({
      name: "latency",
      tags: { zone: "a" },
      classification: "High",
      groups: ["perf"],
      controlMetadata: { stats: { count: 120 } },
      resultMetadata: { mannWhitney: { confidenceLevel: 0.98 } },
    });
    const lenient = io();
    expect(await main([...args, "--marginal", "40", "--pass", "50"], lenient.io)).toBe(0);
    expect(JSON.parse(lenient.out()).score.classification).toBe("Pass");
  });

  it("reads the pairs from standard input with '-', and a YAML config", async () => {
    const yaml = write(
      "checkout.yml",
      `metrics:
  - name: latency
    query: { type: prometheus, metricName: latency_ms }
    groups: [perf]
`,
    );
    const t = io(
      JSON.stringify([{ name: "latency", values: { control: [1, 2, 3], experiment: [1, 2, 3] } }]),
    );
    expect(await main(["canary", "judge", "--config", yaml, "--metric-set-pairs", "-"], t.io)).toBe(0);
    expect(t.out()).toContain("score 100: Pass");
  });

  it("bad input exits 2 with file:line:col diagnostics", async () => {
    const badConfig = write(
      "bad.yml",
      `metrics:
  - name: latency
    query: { type: prometheus, metricName: latency_ms }
    groups: [perf]
    analysisConfigurations:
      canary: { direction: up }
`,
    );
    const pairsFile = write("ok.json", pairs([100, 100], [1, 1]));
    const t = io();
    expect(
      await main(["canary", "judge", "--config", badConfig, "--metric-set-pairs", pairsFile], t.io),
    ).toBe(2);
    expect(t.err()).toContain(
      "bad.yml:6:28 error schema-enum 'direction' must be one of increase, decrease, either; found the text 'up'.",
    );
    expect(t.out()).toBe("");

    const badPairs = write(
      "bad-pairs.json",
      `[
  { "name": "latncy", "values": { "control": [1], "experiment": [2] } },
  { "name": "throughput", "values": { "control": [1, "fast"], "experiment": [2] } }
]`,
    );
    const p = io();
    expect(await main(["canary", "judge", "--config", config, "--metric-set-pairs", badPairs], p.io)).toBe(2);
    expect(p.err()).toContain(
      "bad-pairs.json:2:13 error pairs-unknown-metric The canary config has no metric named 'latncy'. Did you mean 'latency'?",
    );
    expect(p.err()).toContain(
      "bad-pairs.json:3:54 error pairs-value Value 2 of 'control' in pair 2 is not a number",
    );

    const syntax = io();
    expect(
      await main(
        [
          "canary",
          "judge",
          "--config",
          write("broken.json", '{ "metrics": [ '),
          "--metric-set-pairs",
          pairsFile,
        ],
        syntax.io,
      ),
    ).toBe(2);
    expect(syntax.err()).toMatch(/^broken\.json:1:\d+ error yaml-/);
  });

  it("usage errors exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [["canary"], /which canary command\? judge/],
      [["canary", "jugde"], /unknown canary command 'jugde'\. Did you mean 'judge'\?/],
      [["canary", "judge", "--metric-set-pairs", "x.json"], /--config CONFIG is required/],
      [["canary", "judge", "--config", config], /--metric-set-pairs PAIRS\.json is required/],
      [
        ["canary", "judge", "--config", config, "--metric-set-pairs", "x.json", "--pass", "high"],
        /--pass must be a number from 0 to 100, not 'high'/,
      ],
      [
        [
          "canary",
          "judge",
          "--config",
          config,
          "--metric-set-pairs",
          "x.json",
          "--marginal",
          "80",
          "--pass",
          "70",
        ],
        /must be at most the pass threshold/,
      ],
      [
        ["canary", "judge", "--config", "missing.json", "--metric-set-pairs", "x.json"],
        /missing\.json: no such file/,
      ],
    ];
    for (const [argv, message] of cases) {
      const t = io();
      expect(await main(argv, t.io), argv.join(" ")).toBe(2);
      expect(t.err()).toMatch(message);
    }
  });

  it("--help", async () => {
    const t = io();
    expect(await main(["canary", "--help"], t.io)).toBe(0);
    expect(t.out()).toContain("Usage: capstan canary judge --config CONFIG --metric-set-pairs PAIRS.json");
    expect(t.out()).toContain("Exit status: 0 Pass, 1 Marginal or Fail, 2 bad input.");
  });
});
