import { describe, expect, it } from "vitest";
import { loadYaml } from "../loader/yaml-loader.js";
import { buildPipeline } from "../model/build-pipeline.js";
import { checkGraph } from "./graph-checks.js";

function graphDiagnostics(text: string) {
  const doc = loadYaml(text);
  return checkGraph(buildPipeline(doc).pipeline).map((d) => ({
    code: d.code,
    at: doc.source.range(d.span).start,
    text: text.slice(d.span.start, d.span.end),
    message: d.message,
  }));
}

describe("checkGraph", () => {
  it("accepts a valid diamond", () => {
    const text = `name: p
stages:
  - { id: a, type: wait }
  - { id: b, type: wait, dependsOn: [a] }
  - { id: c, type: wait, dependsOn: [a] }
  - { id: d, type: wait, dependsOn: [b, c] }
`;
    expect(graphDiagnostics(text)).toEqual([]);
  });

  it("reports a duplicate id at the second one, pointing back at the first", () => {
    const text = "name: p\nstages:\n  - id: a\n    type: wait\n  - id: a\n    type: wait\n";
    const doc = loadYaml(text);
    const [d] = checkGraph(buildPipeline(doc).pipeline);
    expect(d.code).toBe("duplicate-stage-id");
    expect(doc.source.range(d.span).start).toEqual({ line: 4, character: 8 });
    expect(d.related?.map((r) => doc.source.range(r.span).start)).toEqual([{ line: 2, character: 8 }]);
  });

  it("reports an unknown dependsOn entry with did-you-mean at the entry", () => {
    const text =
      "name: p\nstages:\n  - id: deploy\n    type: wait\n  - id: b\n    type: wait\n    dependsOn: [deplyo]\n";
    expect(graphDiagnostics(text)).toEqual([
      {
        code: "unknown-stage-ref",
        at: { line: 6, character: 16 },
        text: "deplyo",
        message: "dependsOn names 'deplyo', but no stage has that id. Did you mean 'deploy'?",
      },
    ]);
  });

  it("names the members of a cycle", () => {
    const text = `name: p
stages:
  - { id: start, type: wait }
  - { id: a, type: wait, dependsOn: [start, c] }
  - { id: b, type: wait, dependsOn: [a] }
  - { id: c, type: wait, dependsOn: [b] }
`;
    const codes = graphDiagnostics(text);
    expect(codes.filter((d) => d.code === "cycle")).toHaveLength(1);
    expect(codes.find((d) => d.code === "cycle")?.message).toContain("a -> b -> c -> a");
  });

  it("reports the first stage below a cycle, not its descendants", () => {
    const text = `name: p
stages:
  - { id: start, type: wait }
  - { id: a, type: wait, dependsOn: [start, b] }
  - { id: b, type: wait, dependsOn: [a] }
  - { id: below, type: wait, dependsOn: [b] }
  - { id: further, type: wait, dependsOn: [below] }
`;
    expect(graphDiagnostics(text).filter((d) => d.code === "unreachable-stage")).toEqual([
      {
        code: "unreachable-stage",
        at: { line: 5, character: 10 },
        text: "below",
        message: "Stage 'below' can never start: it waits on 'b', which is part of a cycle.",
      },
    ]);
  });

  it("reports a pipeline with no initial stage", () => {
    const text =
      "name: p\nstages:\n  - { id: a, type: wait, dependsOn: [b] }\n  - { id: b, type: wait, dependsOn: [a] }\n";
    expect(graphDiagnostics(text).map((d) => d.code)).toContain("no-initial-stage");
  });

  it("handles a 5,000-stage chain without overflowing the stack", () => {
    const lines = ["name: p", "stages:", "  - { id: s0, type: wait }"];
    for (let i = 1; i < 5_000; i++) lines.push(`  - { id: s${i}, type: wait, dependsOn: [s${i - 1}] }`);
    expect(graphDiagnostics(lines.join("\n"))).toEqual([]);
  });
});
