import { describe, expect, it } from "vitest";
import { describeField, enumValues, fieldsAt, fieldsOfStageType, stageTypes } from "./schema-info.js";

const doc = {
  name: "p",
  stages: [
    { id: "a", type: "wait", duration: "5s" },
    { id: "b", type: "deploy", clusters: [{ application: "app" }] },
    { id: "c", type: "checkPreconditions", preconditions: [{ type: "clusterSize", cluster: "app" }] },
  ],
};

describe("schema info", () => {
  it("describes a field at a path, choosing the stage type from the document", () => {
    expect(describeField(["stages", 0, "duration"], doc)).toEqual({
      name: "duration",
      description: "How long to wait.",
      markdownDescription: "How long to wait.",
      type: "duration",
      examples: ["30s", "5m"],
      // Required here because the stage has no `waitTime`.
      required: true,
    });
    const strategy = describeField(["stages", 1, "clusters", 0, "strategy"], doc);
    expect(strategy?.enum).toEqual(["none", "highlander", "redblack", "rollingredblack"]);
    expect(strategy?.default).toBe("none");
    expect(describeField(["stages", 1, "clusters", 0, "capacity", "desired"], doc)?.type).toBe(
      "integer | ${expr}",
    );
    expect(describeField(["stages", 2, "preconditions", 0, "comparison"], doc)?.enum).toEqual([
      "<",
      "<=",
      "==",
      ">=",
      ">",
    ]);
    expect(describeField(["stages", 0, "nope"], doc)).toBeUndefined();
    expect(describeField(["name"], doc)?.required).toBe(true);
  });

  it("gives the allowed values and the fields at a path", () => {
    expect(enumValues(["stages", 0, "onFailure"], doc)).toEqual([
      "haltPipeline",
      "haltBranch",
      "haltBranchThenFailPipeline",
      "ignore",
    ]);
    expect(enumValues(["stages", 0, "type"], doc)).toEqual(["wait"]);
    const names = fieldsAt(["stages", 1, "clusters", 0], doc).map((f) => f.name);
    expect(names).toContain("healthCheck");
    expect(names).toContain("targetPercentages");
  });

  it("lists stage types and the fields of one", () => {
    const types = stageTypes().map((t) => t.name);
    expect(types).toHaveLength(30);
    expect(types.slice(0, 3)).toEqual(["wait", "manualJudgment", "checkPreconditions"]);
    const webhook = fieldsOfStageType("webhook") ?? [];
    expect(webhook.find((f) => f.name === "url")).toEqual({
      name: "url",
      description: "The URL to call; may contain expressions.",
      type: "string",
      required: true,
    });
    expect(webhook.find((f) => f.name === "method")).toEqual({
      name: "method",
      description: "HTTP method.",
      type: "GET | HEAD | POST | PUT | PATCH | DELETE",
      required: false,
      enum: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
      default: "POST",
    });
    expect(webhook.find((f) => f.name === "dependsOn")?.required).toBe(false);
    expect(fieldsOfStageType("bake")).toBeUndefined();
  });
});
