import { describe, expect, it } from "vitest";
import { importSpinnaker } from "./import-spinnaker.js";
import { formatReport, reportJson, summarizeReport } from "./report.js";

const r = importSpinnaker(
  JSON.stringify({
    name: "p",
    updateTs: "1",
    stages: [
      { type: "wait", waitTime: 1 },
      { type: "jenkins", job: "x" },
    ],
  }),
);

describe("the import report", () => {
  it("counts the notes by kind and those about the graph", () => {
    expect(summarizeReport(r.report)).toEqual({ notes: 6, unsupported: 1, changed: 4, dropped: 1, graph: 1 });
  });

  it("starts with the summary by kind, then lists each kind, what Capstan cannot do first", () => {
    const text = formatReport(r.report, "p.json");
    expect(text.split("\n")[0]).toBe(
      "p.json: 6 notes: 1 unsupported, 4 changed, 1 dropped; 1 about the stage graph",
    );
    const headings = text.split("\n").filter((l) => /^\w+ \(\d+\):$/.test(l));
    expect(headings).toEqual(["unsupported (1):", "changed (4):", "dropped (1):"]);
  });

  it("as JSON: input, pipelines, summary, notes", () => {
    const json = reportJson(r, "p.json", [{ name: "p", path: "$", file: "p.yml" }]);
    expect(json).toMatchObject({
      input: "p.json",
      pipelines: [{ name: "p", path: "$", file: "p.yml" }],
      summary: { notes: 6 },
      diagnostics: [],
    });
    expect((json.notes as unknown[]).length).toBe(6);
  });
});
