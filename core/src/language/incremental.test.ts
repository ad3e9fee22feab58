import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
// @ts-expect-error -- the benchmark's fixture generator is plain JavaScript.
import { pipelineText } from "../../../bench/lsp/generate.mjs";
import { analyzePipeline, type PipelineAnalysis, updateAnalysis } from "./analysis.js";
import { diffRange } from "./incremental.js";

const examples = fileURLToPath(new URL("../../../examples", import.meta.url));
const files = readdirSync(examples).filter((f) => f.endsWith(".yml"));

/** A small deterministic generator, so a failure can be replayed from its seed. */
function generator(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
}

const PIECES = [
  "x",
  " ",
  "\n",
  "  ",
  "- ",
  ": ",
  "'",
  '"',
  "${ #stage('Deploy') }",
  "}",
  "#",
  "-",
  "[",
  "]",
  "deploy",
  "\n    ",
];

/** The common prefix and suffix, one character at a time. */
function naiveDiff(before: string, after: string) {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before[start] === after[start]) start++;
  let suffix = 0;
  while (suffix < max - start && before[before.length - 1 - suffix] === after[after.length - 1 - suffix])
    suffix++;
  return { start, oldEnd: before.length - suffix, newEnd: after.length - suffix };
}

describe("diffRange", () => {
  test("finds the one changed range across chunk boundaries", () => {
    const random = generator(7);
    for (let i = 0; i < 300; i++) {
      const length = random(20_000);
      const before = Array.from({ length }, () => "ab\n"[random(3)]).join("");
      const start = random(length + 1);
      const removed = random(Math.min(50, length - start) + 1);
      const inserted = Array.from({ length: random(40) }, () => "abc\n"[random(4)]).join("");
      const after = before.slice(0, start) + inserted + before.slice(start + removed);
      const d = diffRange(before, after);
      expect(before.slice(0, d.start) + after.slice(d.start, d.newEnd) + before.slice(d.oldEnd)).toBe(after);
      expect(d).toEqual(naiveDiff(before, after));
    }
  });
});

describe("incremental re-analysis", () => {
  test("an edit inside one stage re-parses only that item and matches a fresh parse", () => {
    const text = readFileSync(join(examples, "safe-deployment.yml"), "utf8");
    const first = analyzePipeline(text, 1);
    const edited = text.replace("duration: 5s", "duration: 10s");
    const next = updateAnalysis(first, edited, 2);
    expect(next.parse).toBe("stage-item");
    expect(next.diagnostics).toEqual(analyzePipeline(edited, 3).diagnostics);
    expect(next.pipeline.stages.map((s) => s.source.span)).toEqual(
      analyzePipeline(edited, 3).pipeline.stages.map((s) => s.source.span),
    );
  });

  test("an edit crossing stage items falls back to a full parse", () => {
    const text = readFileSync(join(examples, "safe-deployment.yml"), "utf8");
    const first = analyzePipeline(text, 1);
    const edited = text.replace("  - id: rollback\n", "");
    expect(updateAnalysis(first, edited, 2).parse).toBe("full");
  });

  for (const file of files) {
    test(`fuzzed insert/delete sequences on ${file} always end with the diagnostics of a fresh parse`, () => {
      const original = readFileSync(join(examples, file), "utf8");
      let spliced = 0;
      for (let seed = 1; seed <= 8; seed++) {
        const random = generator(seed);
        let analysis = analyzePipeline(original, 0);
        let text = original;
        for (let step = 1; step <= 25; step++) {
          const at = random(text.length + 1);
          if (random(3) === 0)
            text = text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + random(6)));
          else text = text.slice(0, at) + PIECES[random(PIECES.length)] + text.slice(at);
          analysis = updateAnalysis(analysis, text, step);
          if (analysis.parse === "stage-item") spliced++;
          const fresh = analyzePipeline(text, step);
          expect(analysis.diagnostics, `${file} seed ${seed} step ${step}`).toEqual(fresh.diagnostics);
          expect(analysis.regions, `${file} seed ${seed} step ${step}`).toEqual(fresh.regions);
          expect(analysis.source.lineStarts).toEqual(fresh.source.lineStarts);
        }
      }
      // The sequences must exercise the splice path, not only the full-parse fallback.
      expect(spliced).toBeGreaterThan(0);
    });
  }

  const sameAsFresh = (analysis: PipelineAnalysis, text: string, label: string) => {
    const fresh = analyzePipeline(text, 0);
    expect(analysis.diagnostics, label).toEqual(fresh.diagnostics);
    expect(analysis.pipeline.stages, label).toEqual(fresh.pipeline.stages);
    expect(analysis.expressions.sites, label).toEqual(fresh.expressions.sites);
    expect(analysis.regions, label).toEqual(fresh.regions);
    expect(analysis.source.lineStarts, label).toEqual(fresh.source.lineStarts);
    expect(analysis.document.yaml.toJS({ mapAsMap: true }), label).toEqual(
      fresh.document.yaml.toJS({ mapAsMap: true }),
    );
  };

  /** The model read before validation (completion's path) equals a fresh build. */
  const sameModelAsFresh = (analysis: PipelineAnalysis, text: string, label: string) => {
    expect(analysis.validated, label).toBe(false);
    expect(analysis.pipeline, label).toEqual(analyzePipeline(text, 0).pipeline);
    expect(analysis.validated, label).toBe(false);
  };

  /**
   * Applies each `[from, to]` replacement in turn as one edit, requires it to take the stage-item
   * splice path, and hands every new version to `check`.
   */
  const spliceEach = (
    first: PipelineAnalysis,
    firstText: string,
    edits: [string, string][],
    check: (analysis: PipelineAnalysis, text: string, step: number, label: string) => void,
  ) => {
    let analysis = first;
    let text = firstText;
    let step = 0;
    for (const [from, to] of edits) {
      expect(text.includes(from), from).toBe(true);
      text = text.replace(from, to);
      analysis = updateAnalysis(analysis, text, ++step);
      expect(analysis.parse, from).toBe("stage-item");
      check(analysis, text, step, `${from} -> ${to}`);
    }
  };

  test("targeted edits on the 200-stage benchmark file (names, ids, dependsOn, types, expressions) match a fresh analysis", () => {
    let text = (pipelineText(200) as string).replace(
      "name: bench-pipeline\n",
      "name: bench-pipeline\nsecrets: [tok]\n",
    );
    text += "notifications:\n  - type: slack\n    channel: \"${ #stage('Stage 199')['status'] }\"\n";
    const analysis = analyzePipeline(text, 0);
    const edits: [string, string][] = [
      ["name: Stage 100\n", "name: Stage 100x\n"],
      ["name: Stage 100x\n", "name: Stage 100\n"],
      ["name: Stage 199\n", "name: Renamed\n"],
      ["name: Renamed\n", "name: Stage 199\n"],
      ["id: s50\n", "id: s50b\n"],
      ["id: s50b\n", "id: s50\n"],
      ["dependsOn: [s120]", "dependsOn: [s130]"],
      ["dependsOn: [s130]", "dependsOn: [s120]"],
      ["inputs: [continue, rollback]", "inputs: [go]"],
      ["Stage 60')['status']", "Stage 6O')['status']"],
      ["Stage 6O')['status']", "Stage 60')['status']"],
      ["id: s77\n    name: Stage 77\n    type: run", "id: s77\n    name: Stage 77\n    type: wiat"],
      ["command: echo hello\n", "command: ${ parameters.nope } #x\n"],
      ["id: s150\n", "id: s150\n    extra: 1\n"],
    ];
    spliceEach(analysis, text, edits, (next, nextText, step, label) => {
      // Skip validating every other version: the next one must start from the last validated state.
      // Those versions still build their model (as completion does), from the newest model known.
      if (step % 3 !== 1) sameAsFresh(next, nextText, label);
      else sameModelAsFresh(next, nextText, label);
    });
  });

  test("graph findings (duplicate ids and names, unknown and cyclic dependsOn) follow edits around them", () => {
    const text = (pipelineText(40) as string)
      .replace("id: s5\n", "id: s4\n")
      .replace("dependsOn: [s20]", "dependsOn: [s20, nope]")
      .replace("dependsOn: [s30]", "dependsOn: [s30, s32]")
      .replace("name: Stage 25\n", "name: Stage 24\n");
    const analysis = analyzePipeline(text, 0);
    const codes = analysis.diagnostics.map((d) => d.code);
    for (const code of ["duplicate-stage-id", "unknown-stage-ref", "cycle", "duplicate-stage-name"])
      expect(codes).toContain(code);
    const edits: [string, string][] = [
      ["name: Stage 2\n", "name: Stage 2 renamed\n"], // before everything
      ["name: Stage 4\n", "name: Stage Four\n"], // the first of the duplicate ids: message names it
      ["command: echo hello\n", "command: echo hello there\n"], // a stage in between
      ["name: Stage 31\n", "name: Stage 31\n    description: in the cycle\n"], // inside the cycle
      ["name: Stage 24\n", "name: Stage 24b\n"], // ends the duplicate name
      ["name: Stage 24b\n", "name: Stage 24\n"], // and brings it back
      ["name: Stage 38\n", "name: Stage 38 and more\n"], // after everything
    ];
    spliceEach(analysis, text, edits, (next, nextText, _step, label) => sameAsFresh(next, nextText, label));
  });

  test("expressions follow renames and retypes of the stages they name (duplicates, judgments, ids)", () => {
    const text = [
      "name: refs",
      "stages:",
      "  - id: gate",
      "    name: Approve",
      "    type: manualJudgment",
      "    inputs: [go, stop]",
      "  - id: a",
      "    name: Dup",
      "    type: wait",
      "    duration: 1s",
      "  - id: b",
      "    name: Other",
      "    type: run",
      "    command: echo b",
      "  - id: c",
      "    name: Reader",
      "    type: run",
      "    dependsOn: [gate, a, b]",
      "    command: \"echo ${ #judgment('Approve') == 'go' } ${ #stage('Dup')['status'] }\"",
      "  - id: d",
      "    name: Later",
      "    type: run",
      "    dependsOn: [c]",
      // The last two name the stage found: the first of a name (its type), the one of an id (its name).
      "    command: \"echo ${ #stageByRefId('b')['status'] } ${ #judgment('Gate2') } ${ #judgment('Dup') } ${ #judgment('b') }\"",
      // An unknown name whose did-you-mean follows the renames of Approve.
      "    env: { X: \"${ #stage('Aprove2')['status'] }\" }",
      "",
    ].join("\n");
    const edits: [string, string][] = [
      ["name: Other\n", "name: Dup\n"], // a second stage named Dup: #stage finds the first
      ["name: Dup\n    type: wait", "name: Dup2\n    type: wait"], // the first is renamed: now b
      ["name: Approve\n", "name: Approve2\n"], // the judgment goes away
      ["name: Approve2\n", "name: Approve\n"], // and comes back
      ["type: manualJudgment\n    inputs: [go, stop]", "type: wait\n    duration: 2s"], // no longer a judgment
      ["type: wait\n    duration: 2s", "type: manualJudgment\n    inputs: [go]"], // a judgment again
      ["inputs: [go]", "inputs: [stop]"], // 'go' is no input now
      ["name: Later\n", "name: Gate2\n"], // a run stage named like the judgment Later reads
      ["name: Gate2\n    type: run", "name: Gate2\n    type: manualJudgment\n    inputs: [x]"], // now a judgment, not upstream of itself
    ];
    // Validated first, as on open: every edit then starts from the previous version's state.
    const first = analyzePipeline(text, 0);
    expect(first.diagnostics.length).toBeGreaterThan(0);
    spliceEach(first, text, edits, (next, nextText, _step, label) => sameAsFresh(next, nextText, label));
  });

  test("fuzzed edits on the 200-stage benchmark file match a fresh analysis", () => {
    const original = pipelineText(200) as string;
    let spliced = 0;
    for (let seed = 1; seed <= 2; seed++) {
      const random = generator(seed);
      let analysis = analyzePipeline(original, 0);
      let text = original;
      for (let step = 1; step <= 20; step++) {
        // Most edits land in the stages, as typing does; some anywhere.
        const at = random(text.length + 1);
        if (random(3) === 0) text = text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + random(6)));
        else text = text.slice(0, at) + PIECES[random(PIECES.length)] + text.slice(at);
        analysis = updateAnalysis(analysis, text, step);
        if (analysis.parse === "stage-item") spliced++;
        if (step % 4 !== 0) sameAsFresh(analysis, text, `seed ${seed} step ${step}`);
        else if (step % 8 === 0) sameModelAsFresh(analysis, text, `seed ${seed} step ${step}`);
      }
    }
    expect(spliced).toBeGreaterThan(0);
  }, 180_000);
});
