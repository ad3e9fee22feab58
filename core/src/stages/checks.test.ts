import { describe, expect, it } from "vitest";
import { pipelineFrom } from "../engine/testdata/kit.js";
import { checkStageHandlers } from "./checks.js";
import { defaultStageRegistry } from "./index.js";

const codes = (yaml: string) =>
  checkStageHandlers(pipelineFrom(yaml), defaultStageRegistry()).map((d) => [d.code, d.severity]);

describe("stage types' static checks", () => {
  it("report missing and malformed fields with stable codes", () => {
    expect(
      codes(`
name: p
stages:
  - { id: a, type: wait }
  - { id: b, type: wait, duration: soon }
  - { id: c, type: run }
  - { id: d, type: webhook, url: "not a url", statusUrlResolution: magic }
  - { id: e, type: pipeline, pipeline: p }
  - { id: f, type: evaluateVariables, variables: [{ key: x, value: 1 }, { key: x, value: 2 }] }
  - { id: g, type: checkPreconditions, preconditions: [{ type: clusterSize }, { type: magic }] }
`),
    ).toEqual([
      ["wait-duration-missing", "error"],
      ["wait-duration-invalid", "error"],
      ["run-command-missing", "error"],
      ["webhook-url-invalid", "error"],
      ["webhook-status-url-resolution", "error"],
      ["pipeline-calls-itself", "warning"],
      ["variable-key-duplicate", "warning"],
      ["precondition-type-unknown", "error"],
    ]);
  });

  it("accept well-formed stages, and expressions they cannot check yet", () => {
    expect(
      codes(`
name: p
stages:
  - { id: a, type: wait, duration: "\${ parameters.d }" }
  - { id: b, type: run, command: make }
  - { id: c, type: webhook, url: "https://example.com/x", statusJsonPath: $.s, successStatuses: OK }
`),
    ).toEqual([]);
  });
});
