import { describe, expect, it } from "vitest";
import { SpelEvaluator } from "./spel-evaluator.js";
import { runPipeline, scriptedJudgments, statuses } from "./testdata/kit.js";

const expressions = new SpelEvaluator();

describe("engine with the real expression language", () => {
  it("config evaluated at stage start, #judgment, #stage, parameters and ancestor outputs", async () => {
    const r = await runPipeline(
      `
name: p
parameters:
  - { name: env, default: prod }
stages:
  - { id: judge, name: Judge, type: manualJudgment, inputs: [continue, rollback] }
  - id: vars
    type: evaluateVariables
    dependsOn: [judge]
    variables:
      - { key: choice, value: "\${ #judgment('Judge') }" }
      - { key: target, value: "\${ parameters.env }-\${ choice }" }
  - id: gate
    type: checkPreconditions
    dependsOn: [vars]
    preconditions:
      - { type: expression, expression: "\${ target == 'prod-rollback' }" }
      - { type: stageStatus, stageName: Judge, stageStatus: SUCCEEDED }
  - id: rollback
    type: wait
    duration: "\${ '5s' }"
    dependsOn: [gate]
    if: "\${ #stage('vars').outputs.choice == 'rollback' }"
`,
      { expressions, judgments: scriptedJudgments({ judge: "rollback" }) },
    );
    expect(statuses(r)).toEqual({
      judge: "SUCCEEDED",
      vars: "SUCCEEDED",
      gate: "SUCCEEDED",
      rollback: "SUCCEEDED",
    });
    expect(r.stages[1].outputs).toEqual({ choice: "rollback", target: "prod-rollback" });
    expect(r.stages[3].context.duration).toBe("5s");
    expect(r.stages[3].endTime! - r.stages[3].startTime!).toBe(5000);
  });

  it("a failed expression leaves the text and records an ERROR in the summary", async () => {
    const r = await runPipeline(
      `
name: p
stages:
  - { id: w, type: evaluateVariables, variables: [{ key: x, value: "\${ #stage('nope').status }" }] }
`,
      { expressions },
    );
    expect(r.stages[0].outputs.x).toBe("${ #stage('nope').status }");
    const [entry] = Object.values(r.stages[0].expressionEvaluationSummary ?? {})[0];
    expect(entry.level).toBe("ERROR");
  });
});
