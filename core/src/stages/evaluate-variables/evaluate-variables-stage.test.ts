import { describe, expect, it } from "vitest";
import { SpelEvaluator } from "../../engine/spel-evaluator.js";
import { runPipeline } from "../../engine/testdata/kit.js";

const expressions = new SpelEvaluator();

describe("evaluateVariables", () => {
  it("a variable that failed to evaluate is not seen by later variables as its raw text", async () => {
    const r = await runPipeline(
      `
name: p
stages:
  - id: vars
    type: evaluateVariables
    variables:
      - { key: x, value: 1 }
      - { key: y, value: "\${missing}" }
      - { key: sum, value: "\${x + y}" }
`,
      { expressions },
    );
    const stage = r.stages[0];
    expect(stage.status).toBe("SUCCEEDED");
    // Orca keeps the text of what it could not evaluate ...
    expect(stage.outputs.y).toBe("${missing}");
    // ... but `sum` does not read y as that text ("1${missing}"): it stays unevaluated too.
    expect(stage.outputs.sum).toBe("${x + y}");
    expect(Object.keys(stage.expressionEvaluationSummary ?? {}).sort()).toEqual(["missing", "x + y"]);
  });

  it("variables that evaluated are seen by the ones after them", async () => {
    const r = await runPipeline(
      `
name: p
stages:
  - id: vars
    type: evaluateVariables
    variables:
      - { key: x, value: 1 }
      - { key: y, value: "\${x + 1}" }
      - { key: sum, value: "\${x + y}" }
`,
      { expressions },
    );
    expect(r.stages[0].outputs).toEqual({ x: 1, y: 2, sum: 3 });
    expect(r.stages[0].expressionEvaluationSummary ?? {}).toEqual({});
  });
});
