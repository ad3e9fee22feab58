import { describe, expect, it } from "vitest";
import { analyzePipeline } from "./analysis.js";
import { validate } from "./diagnostics.js";

const uri = "file:///repo/.capstan/pipelines/deploy.yml";
const text = `name: deploy
triggers:
  - { type: pipeline, pipeline: nightly }
stages:
  - { id: c, type: pipeline, pipeline: "\${ #pipelineId('relase') }" }
`;

describe("the language server's checks across the workspace", () => {
  it("as capstan validate: another pipeline of the same name, pipelines named by no file", () => {
    const found = validate(analyzePipeline(text, uri), {
      uri,
      pipelines: [
        { name: "deploy", uri },
        { name: "deploy", uri: "file:///repo/.capstan/pipelines/deploy-copy.yml" },
        { name: "release", uri: "file:///repo/.capstan/pipelines/release.yml" },
      ],
    }).map((d) => [d.code, d.severity, d.range.start.line]);
    expect(found).toEqual([
      ["duplicate-pipeline-name", 1, 0],
      ["unknown-pipeline", 2, 2],
      ["unknown-pipeline", 1, 4],
    ]);
  });
});
