import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { buildGraphModel, iconFor } from "./graph-model.js";

const safe = fs.readFileSync(new URL("../../../examples/safe-deployment.yml", import.meta.url), "utf8");
const rolling = fs.readFileSync(new URL("../../../examples/rolling-blue-green.yml", import.meta.url), "utf8");

describe("buildGraphModel", () => {
  it("lays out every stage with a position and an edge per dependsOn", () => {
    const model = buildGraphModel(rolling, "rolling-blue-green.yml");
    expect(model.pipeline).toBe("rolling-blue-green");
    expect(model.nodes.map((n) => n.id)).toEqual([
      "green1",
      "blue1",
      "judge",
      "rollback",
      "rblue1",
      "rgreen2",
      "rgreen",
      "continue",
      "green2",
      "blue2",
    ]);
    expect(model.edges).toHaveLength(9);
    for (const node of model.nodes) {
      expect(node.x).toBeGreaterThan(0);
      expect(node.y).toBeGreaterThan(0);
    }
    const green1 = model.nodes.find((n) => n.id === "green1");
    const blue1 = model.nodes.find((n) => n.id === "blue1");
    expect(blue1?.x).toBeGreaterThan(green1?.x ?? Number.POSITIVE_INFINITY); // left to right
    for (const edge of model.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
  });

  it("labels judgment branches from the child's if or precondition expression", () => {
    const rollingModel = buildGraphModel(rolling, "r.yml");
    const fromJudge = rollingModel.edges.filter((e) => e.from === "judge");
    expect(fromJudge.map((e) => [e.to, e.branch])).toEqual([
      ["rollback", "rollback"],
      ["continue", "continue"],
    ]);
    const safeModel = buildGraphModel(safe, "s.yml");
    const judgment = safeModel.nodes.find((n) => n.id === "judgment");
    expect(judgment?.judgment).toBe(true);
    expect(judgment?.inputs).toEqual(["continue", "rollback"]);
    expect(safeModel.edges.find((e) => e.to === "deploy")).toMatchObject({
      branch: "continue",
      conditional: true,
    });
    expect(safeModel.nodes.find((n) => n.id === "deploy")?.if).toContain("#judgment('Manual Judgment')");
  });

  it("points each node at its stage in the text and colours by status when given", () => {
    const model = buildGraphModel(rolling, "r.yml", new Map([["green1", "SUCCEEDED"]]));
    const judge = model.nodes.find((n) => n.id === "judge");
    expect(rolling.slice(judge?.offset, (judge?.offset ?? 0) + 9)).toBe("id: judge");
    expect(model.nodes.find((n) => n.id === "green1")?.status).toBe("SUCCEEDED");
    expect(model.nodes.find((n) => n.id === "blue1")?.status).toBeUndefined();
  });

  it("reports YAML errors instead of throwing, and maps stage types to icons", () => {
    const model = buildGraphModel("name: x\nstages: [\n", "bad.yml");
    expect(model.problems.length).toBeGreaterThan(0);
    expect(model.nodes).toEqual([]);
    expect(iconFor("manualJudgment")).toBe("judgment");
    expect(iconFor("somethingCustom")).toBe("stage");
  });
});
