import { describe, expect, it } from "vitest";
import { validatePipelineText } from "../validate/validate.js";
import { importSpinnaker } from "./import-spinnaker.js";
import { diagnosticsInJson, jsonPathOf } from "./origins.js";

const text = JSON.stringify(
  {
    name: "p",
    stages: [
      { refId: "a", type: "wait", waitTime: 1 },
      {
        refId: "b",
        type: "deploy",
        requisiteStageRefIds: ["a", "zz"],
        clusters: [
          {
            provider: "kubernetes",
            account: "k8s",
            application: "app",
            containers: [{ imageDescription: { imageId: "${ #nope() }" } }],
          },
        ],
      },
    ],
  },
  null,
  2,
);
const r = importSpinnaker(text);
const [pipeline] = r.pipelines;

describe("placing the converted pipeline's diagnostics in the JSON", () => {
  it("follows a Capstan path to the Spinnaker field it came from", () => {
    expect(jsonPathOf(pipeline, ["stages", 1, "dependsOn", 1], r.spans)).toEqual({
      path: "$.stages[1].requisiteStageRefIds[1]",
      exact: true,
    });
    expect(jsonPathOf(pipeline, ["stages", 0, "duration"], r.spans)).toEqual({
      path: "$.stages[0].waitTime",
      exact: true,
    });
    // The image has no field of its own in the JSON: the nearest enclosing one.
    expect(jsonPathOf(pipeline, ["stages", 1, "clusters", 0, "image"], r.spans)).toEqual({
      path: "$.stages[1].clusters[0]",
      exact: false,
    });
  });

  it("gives each diagnostic the JSON span, naming the Capstan field when it is not exact", () => {
    const result = validatePipelineText(pipeline.yaml);
    const placed = diagnosticsInJson(pipeline, result.document, result.diagnostics, r.spans!);
    const byCode = Object.fromEntries(placed.map((d) => [d.code, d]));
    expect(text.slice(byCode["unknown-stage-ref"].span.start, byCode["unknown-stage-ref"].span.end)).toBe(
      '"zz"',
    );
    expect(byCode["unknown-function"].path).toBe("$.stages[1].clusters[0]");
    expect(byCode["unknown-function"].message).toContain("(Capstan field stages[1].clusters[0].image)");
  });
});
