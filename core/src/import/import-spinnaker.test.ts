import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { importSpinnaker, importSpinnakerValue } from "./import-spinnaker.js";
import type { ImportNote } from "./types.js";

const one = (pipeline: Record<string, unknown>, options = {}) => {
  const r = importSpinnaker(JSON.stringify(pipeline, null, 2), options);
  return {
    ...r,
    value: r.pipelines[0]?.value as Record<string, unknown>,
    stages: r.pipelines[0]?.value.stages as Record<string, unknown>[],
  };
};
const at = (notes: ImportNote[], path: string) => notes.filter((n) => n.path === path);

describe("importSpinnaker: input shapes and bad input", () => {
  const p = (name: string) => ({ name, stages: [{ refId: "1", type: "wait", name: "w", waitTime: 1 }] });

  it("accepts one pipeline, a list, and a dinghyfile", () => {
    expect(importSpinnaker(JSON.stringify(p("a"))).pipelines.map((x) => [x.name, x.path])).toEqual([
      ["a", "$"],
    ]);
    expect(importSpinnaker(JSON.stringify([p("a"), p("b")])).pipelines.map((x) => x.path)).toEqual([
      "$[0]",
      "$[1]",
    ]);
    const d = importSpinnaker(JSON.stringify({ application: "x", pipelines: [p("a")] }));
    expect(d.pipelines.map((x) => x.path)).toEqual(["$.pipelines[0]"]);
    expect(at(d.report, "$.application")[0].kind).toBe("dropped");
  });

  it("reports malformed JSON with line and column, and never throws", () => {
    const r = importSpinnaker('{\n  "name": "x",\n  "stages": [\n    {"refId": "1",}\n  ]\n}');
    expect(r.pipelines).toEqual([]);
    expect(r.diagnostics).toEqual([
      {
        code: "invalid-json",
        severity: "error",
        message: "invalid JSON at line 4, column 19: expected a property name in double quotes, found '}'",
        span: { start: 49, end: 50 },
        line: 4,
        column: 19,
      },
    ]);
  });

  it("recognises a dinghy template and says to render it first", () => {
    const text = `{
  "application": "myapp",
  "pipelines": [
    {
      "name": "deploy",
      "stages": [
        {{ module "wait.stage.module" "waitTime" 10 }}
      ]
    }
  ]
}`;
    const r = importSpinnaker(text);
    expect(r.pipelines).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      code: "dinghy-template",
      severity: "error",
      line: 7,
      column: 9,
    });
    expect(r.diagnostics[0].message).toBe(
      "this is a dinghy template (line 7 uses {{ module ... }}), not pipeline JSON: render it first (arm dinghy render dinghyfile > rendered.json, with its modules) and import the rendered JSON",
    );
  });

  it("rejects what is not a pipeline", () => {
    expect(importSpinnaker("42").diagnostics.map((d) => d.code)).toEqual(["not-a-pipeline"]);
    expect(importSpinnaker("[1]").diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["not-a-pipeline", "$[0]"],
    ]);
  });

  it("survives random and mutated input without throwing", () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const base = JSON.stringify({
      name: "p",
      parameterConfig: [{ name: "a", options: [{ value: "x" }], hasOptions: true }],
      triggers: [{ type: "cron", cronExpression: "0 0 7 ? * MON" }],
      stages: [
        {
          refId: 1,
          type: "wait",
          waitTime: "3",
          restrictExecutionDuringTimeWindow: true,
          restrictedExecutionWindow: { days: [2] },
        },
        {
          refId: "2",
          requisiteStageRefIds: [1],
          type: "resizeServerGroup",
          action: "scale_up",
          scalePct: "10",
        },
      ],
    });
    for (let i = 0; i < 500; i++) {
      const chars = base.split("");
      for (let k = 0; k < 3; k++)
        chars[Math.floor(rnd() * chars.length)] = '{}[]",:0a-tn'[Math.floor(rnd() * 12)];
      const r = importSpinnaker(chars.join(""));
      expect(r.diagnostics.some((d) => d.code === "import-failed")).toBe(false);
    }
    for (const v of [
      null,
      1,
      "x",
      [],
      {},
      { stages: {} },
      { name: "x", stages: [null, 1, { refId: {} }] },
      { pipelines: [[]] },
    ])
      expect(importSpinnakerValue(v).diagnostics.some((d) => d.code === "import-failed")).toBe(false);
  });
});

describe("importSpinnaker: stage ids and the graph", () => {
  it("keeps numeric refIds as string ids and maps requisiteStageRefIds", () => {
    const { stages, report } = one({
      name: "p",
      stages: [
        { refId: 1, name: "A", type: "wait", waitTime: 5 },
        { refId: 2, name: "B", type: "wait", waitTime: 5, requisiteStageRefIds: [1] },
        { refId: "3", name: "C", type: "wait", waitTime: 5, requisiteStageRefIds: ["1", 2] },
      ],
    });
    expect(stages.map((s) => [s.id, s.dependsOn])).toEqual([
      ["1", undefined],
      ["2", ["1"]],
      ["3", ["1", "2"]],
    ]);
    expect(at(report, "$.stages[0].refId")).toEqual([
      {
        path: "$.stages[0].refId",
        kind: "changed",
        message: 'numeric refId 1 became the string id "1"',
        graph: true,
      },
    ]);
  });

  it("makes duplicate refIds an error naming both stages, at the second one's refId", () => {
    const text = JSON.stringify({
      name: "p",
      stages: [
        { refId: "1", name: "Deploy", type: "wait", waitTime: 1 },
        { refId: "2", name: "Judge", type: "wait", waitTime: 1 },
        { refId: "1", name: "Cleanup", type: "wait", waitTime: 1 },
      ],
    });
    const r = importSpinnaker(text);
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0];
    expect(d).toMatchObject({
      code: "duplicate-ref-id",
      severity: "error",
      path: "$.stages[2].refId",
      line: 1,
    });
    expect(d.message).toBe(
      'duplicate refId "1": stages[0] "Deploy" and stages[2] "Cleanup" share it; requisiteStageRefIds "1" refers to the first. Give one of them another refId.',
    );
    expect(text.slice(d.span.start, d.span.end)).toBe('"1"');
  });

  it("warns about requisiteStageRefIds that name no stage", () => {
    const { diagnostics } = one({
      name: "p",
      stages: [{ refId: "a", type: "wait", waitTime: 1, requisiteStageRefIds: ["zz"] }],
    });
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["unknown-requisite-stage", "$.stages[0].requisiteStageRefIds[0]"],
    ]);
  });

  it("fixes refIds ids cannot hold, and names unnamed stages after their type as Orca does", () => {
    const { stages, report } = one({
      name: "p",
      stages: [
        { refId: "deploy prod", type: "wait", waitTime: 1 },
        { refId: "x", type: "wait", waitTime: 1, requisiteStageRefIds: ["deploy prod"] },
      ],
    });
    expect(stages.map((s) => [s.id, s.name, s.dependsOn])).toEqual([
      ["deploy-prod", "wait", undefined],
      ["x", "wait", ["deploy-prod"]],
    ]);
    expect(at(report, "$.stages[0].refId")[0].kind).toBe("changed");
    expect(at(report, "$.stages[0].name")[0].message).toContain("Orca names the stage after its type");
  });
});

describe("importSpinnaker: stages without refIds", () => {
  it("chains them in array order when no stage has a refId, as Orca does, and reports it", () => {
    const { stages, report } = one({
      name: "p",
      stages: [
        { type: "manualJudgment", name: "Approve" },
        { type: "wait", name: "Soak", waitTime: 5 },
        { type: "wait", name: "Deploy", waitTime: 5 },
      ],
    });
    // Orca's convertLinearToParallel: refIds "0", "1" ..., each stage requiring the one before.
    expect(stages.map((s) => [s.id, s.dependsOn])).toEqual([
      ["0", undefined],
      ["1", ["0"]],
      ["2", ["1"]],
    ]);
    expect(at(report, "$.stages")).toEqual([
      {
        path: "$.stages",
        kind: "changed",
        message:
          'no stage has a refId, so Orca runs them one after another in array order (refIds "0", "1" ...): each stage depends on the one before it',
        graph: true,
      },
    ]);
    expect(at(report, "$.stages[1].refId")).toEqual([]);
  });

  it("Orca's chaining replaces requisiteStageRefIds there; said, not warned about", () => {
    const { stages, report, diagnostics } = one({
      name: "p",
      stages: [
        { type: "wait", waitTime: 5 },
        { type: "wait", waitTime: 5, requisiteStageRefIds: ["nothing"] },
      ],
    });
    expect(stages.map((s) => s.dependsOn)).toEqual([undefined, ["0"]]);
    expect(diagnostics).toEqual([]);
    expect(at(report, "$.stages[1].requisiteStageRefIds")).toEqual([
      {
        path: "$.stages[1].requisiteStageRefIds",
        kind: "dropped",
        message: "Orca replaces requisiteStageRefIds with the stage before when no stage has a refId",
        graph: true,
      },
    ]);
  });

  it("leaves them unchained when some stage has a refId", () => {
    const { stages, report } = one({
      name: "p",
      stages: [
        { refId: "1", type: "wait", waitTime: 5 },
        { type: "wait", waitTime: 5 },
      ],
    });
    expect(stages.map((s) => s.dependsOn)).toEqual([undefined, undefined]);
    expect(at(report, "$.stages")).toEqual([]);
  });
});

describe("importSpinnaker: common stage fields", () => {
  it("wraps stageEnabled in ${ } unless it is already, and quotes it in YAML", () => {
    const r = one({
      name: "p",
      stages: [
        {
          refId: "1",
          type: "wait",
          waitTime: 1,
          stageEnabled: { type: "expression", expression: "parameters.env == 'prod'" },
        },
        {
          refId: "2",
          type: "wait",
          waitTime: 1,
          stageEnabled: { type: "expression", expression: "${ #judgment('J') == 'go' }" },
        },
        { refId: "3", type: "wait", waitTime: 1, stageEnabled: { type: "other", expression: "true" } },
      ],
    });
    expect(r.stages.map((s) => s.if)).toEqual([
      "${ parameters.env == 'prod' }",
      "${ #judgment('J') == 'go' }",
      undefined,
    ]);
    expect(r.pipelines[0].yaml).toContain(`if: "\${ parameters.env == 'prod' }"`);
    expect(at(r.report, "$.stages[2].stageEnabled")[0].kind).toBe("dropped");
  });

  it("maps the failure flags to onFailure and reports the string 'true'", () => {
    const { stages, report } = one({
      name: "p",
      stages: [
        { refId: "1", type: "wait", waitTime: 1 },
        { refId: "2", type: "wait", waitTime: 1, failPipeline: false },
        { refId: "3", type: "wait", waitTime: 1, failPipeline: false, completeOtherBranchesThenFail: true },
        { refId: "4", type: "wait", waitTime: 1, continuePipeline: true, failPipeline: false },
        { refId: "5", type: "wait", waitTime: 1, completeOtherBranchesThenFail: true },
        { refId: "6", type: "wait", waitTime: 1, failPipeline: "true" },
      ],
    });
    expect(stages.map((s) => s.onFailure)).toEqual([
      undefined,
      "haltBranch",
      "haltBranchThenFailPipeline",
      "ignore",
      undefined,
      "haltBranch",
    ]);
    expect(at(report, "$.stages[4].completeOtherBranchesThenFail")[0].kind).toBe("changed");
    expect(at(report, "$.stages[5].failPipeline")[0].message).toContain("counts as false");
  });

  it("turns stageTimeoutMs into a duration, numeric strings included, and ignores the rest", () => {
    const { stages, report } = one({
      name: "p",
      stages: [
        { refId: "1", type: "wait", waitTime: 1, stageTimeoutMs: 5_400_000 },
        { refId: "2", type: "wait", waitTime: 1, stageTimeoutMs: "90000" },
        { refId: "3", type: "wait", waitTime: 1, stageTimeoutMs: "${ 1000 }" },
      ],
    });
    expect(stages.map((s) => s.timeout)).toEqual(["1h30m", "1m30s", undefined]);
    expect(at(report, "$.stages[1].stageTimeoutMs")[0].message).toContain(
      "Orca itself ignores a stageTimeoutMs that is not a JSON number",
    );
    expect(at(report, "$.stages[2].stageTimeoutMs")[0].kind).toBe("dropped");
  });

  it("reads numbers stored as strings", () => {
    const { stages, report } = one({
      name: "p",
      stages: [
        { refId: "1", type: "wait", waitTime: "30" },
        { refId: "2", type: "wait", waitTime: "${ parameters.delay }" },
        {
          refId: "3",
          type: "scaleManifest",
          manifestName: "deployment app",
          location: "prod",
          replicas: "10",
        },
      ],
    });
    expect(stages[0].duration).toBe("30s");
    expect(stages[1].waitTime).toBe("${ parameters.delay }");
    expect(stages[2]).toMatchObject({ namespace: "prod", manifestName: "deployment app", replicas: 10 });
    expect(at(report, "$.stages[0].waitTime")).toEqual([
      {
        path: "$.stages[0].waitTime",
        kind: "changed",
        message: 'number stored as the string "30", read as 30',
      },
    ]);
  });

  it("drops fields the stage type does not have, with their JSON paths", () => {
    const { stages, report } = one({
      name: "p",
      stages: [
        {
          refId: "1",
          type: "wait",
          waitTime: 1,
          cloudProvider: "aws",
          regions: ["us-east-1"],
          isNew: true,
          overrideTimeout: true,
        },
      ],
    });
    expect(stages[0]).toEqual({ id: "1", name: "wait", type: "wait", duration: "1s" });
    expect(report.filter((n) => n.kind === "dropped").map((n) => n.path)).toEqual([
      "$.stages[0].cloudProvider",
      "$.stages[0].regions",
      "$.stages[0].isNew",
      "$.stages[0].overrideTimeout",
    ]);
  });

  it("keeps unknown stage types with their fields, reported as unsupported", () => {
    const { stages, report } = one({
      name: "p",
      stages: [
        {
          refId: "1",
          type: "jenkins",
          name: "Build",
          master: "ci",
          job: "app",
          propertyFile: "",
          failPipeline: false,
        },
      ],
    });
    expect(stages[0]).toEqual({
      id: "1",
      name: "Build",
      type: "jenkins",
      onFailure: "haltBranch",
      master: "ci",
      job: "app",
      propertyFile: "",
    });
    expect(at(report, "$.stages[0]")[0].kind).toBe("unsupported");
  });
});

describe("importSpinnaker: stage types", () => {
  it("manual judgment: inputs, instructions, notifications with judgment events", () => {
    const { stages, report } = one({
      name: "p",
      stages: [
        {
          refId: "1",
          name: "Judge",
          type: "manualJudgment",
          instructions: "Look first",
          judgmentInputs: [{ value: "continue" }, { value: "rollback" }],
          sendNotifications: false,
          notifications: [
            {
              type: "slack",
              address: "#deploys",
              level: "stage",
              when: ["manualJudgment", "manualJudgmentContinue"],
              message: { manualJudgment: { text: "Waiting on ${ execution.name }" } },
            },
          ],
        },
      ],
    });
    expect(stages[0]).toEqual({
      id: "1",
      name: "Judge",
      type: "manualJudgment",
      inputs: ["continue", "rollback"],
      instructions: "Look first",
      notifications: [
        {
          type: "slack",
          address: "#deploys",
          when: ["awaiting"],
          message: { awaiting: "Waiting on ${ execution.name }" },
        },
      ],
    });
    expect(at(report, "$.stages[0].notifications[0].when[1]")[0].message).toContain(
      "sendNotifications is not true",
    );
  });

  it("check preconditions: expression, clusterSize and stageStatus", () => {
    const { stages } = one({
      name: "p",
      stages: [
        {
          refId: "1",
          type: "checkPreconditions",
          preconditions: [
            {
              type: "expression",
              context: { expression: "#judgment('J') == 'rollback'" },
              failPipeline: false,
            },
            {
              type: "clusterSize",
              context: {
                cluster: "app-prod",
                comparison: ">=",
                expected: "2",
                credentials: "prod",
                regions: ["us-east-1"],
                onlyEnabledServerGroups: true,
              },
            },
            { type: "stageStatus", context: { stageName: "Deploy", stageStatus: "SUCCEEDED" } },
          ],
        },
      ],
    });
    expect(stages[0].preconditions).toEqual([
      { type: "expression", expression: "${ #judgment('J') == 'rollback' }", failPipeline: false },
      {
        type: "clusterSize",
        cluster: "app-prod",
        account: "prod",
        comparison: ">=",
        expected: 2,
        onlyEnabledServerGroups: true,
        failPipeline: true,
      },
      { type: "stageStatus", stageName: "Deploy", stageStatus: "SUCCEEDED", failPipeline: true },
    ]);
  });

  it("evaluate variables, webhook and pipeline stages", () => {
    const { stages, report } = one({
      id: "self-id",
      name: "Parent",
      stages: [
        {
          refId: "1",
          type: "evaluateVariables",
          variables: [{ key: "tag", value: "${ trigger.tag }", description: "" }],
        },
        {
          refId: "2",
          type: "webhook",
          url: "https://ci.example.com",
          method: "post",
          waitForCompletion: "true",
          statusUrlResolution: "locationHeader",
          waitBeforeMonitor: "10",
          signalCancellation: true,
        },
        {
          refId: "3",
          type: "pipeline",
          application: "app",
          pipeline: "self-id",
          pipelineParameters: { a: "1" },
          waitForCompletion: true,
        },
      ],
    });
    expect(stages[0].variables).toEqual([{ key: "tag", value: "${ trigger.tag }" }]);
    expect(stages[1]).toMatchObject({
      url: "https://ci.example.com",
      method: "POST",
      waitForCompletion: true,
      statusUrlResolution: "locationHeader",
      waitBeforeMonitor: "10s",
    });
    expect(stages[2]).toMatchObject({ pipeline: "Parent", parameters: { a: "1" }, waitForCompletion: true });
    expect(at(report, "$.stages[2].pipeline")[0].message).toContain("replaced by the pipeline's name");
  });

  it("resize server group: actions, amounts and targets", () => {
    const { stages } = one({
      name: "p",
      stages: [
        {
          refId: "1",
          type: "resizeServerGroup",
          action: "scale_up",
          resizeType: "pct",
          scalePct: 50,
          cluster: "app-prod",
          credentials: "prod",
          target: "current_asg_dynamic",
          cloudProvider: "aws",
          regions: ["us-east-1"],
        },
        {
          refId: "2",
          type: "resizeServerGroup",
          action: "scale_down",
          resizeType: "incr",
          scaleNum: "2",
          moniker: { cluster: "app-prod" },
          target: "ancestor_asg_dynamic",
        },
        {
          refId: "3",
          type: "resizeServerGroup",
          resizeType: "exact",
          capacity: { min: "1", desired: 2, max: 3 },
          cluster: "app-prod",
          target: "oldest_asg_dynamic",
        },
      ],
    });
    expect(stages.map(({ id, name, type, ...rest }) => rest)).toEqual([
      { cluster: "app-prod", account: "prod", target: "newest", action: "scaleUp", percent: 50 },
      { cluster: "app-prod", target: "previous", action: "scaleDown", amount: 2 },
      {
        cluster: "app-prod",
        target: "oldest",
        action: "scaleExact",
        capacity: { min: 1, desired: 2, max: 3 },
      },
    ]);
  });

  it("deploy: clusters keep the format's fields and report provider detail", () => {
    const { stages, report } = one({
      name: "p",
      stages: [
        {
          refId: "1",
          type: "deploy",
          clusters: [
            {
              provider: "kubernetes",
              account: "k8s",
              application: "app",
              stack: "prod",
              freeFormDetails: "canary",
              capacity: { min: 2, desired: "2", max: 4 },
              strategy: "redblack",
              maxRemainingAsgs: 2,
              scaleDown: true,
              delayBeforeDisableSec: 60,
              delayBeforeScaleDownSec: "30",
              rollback: { onFailure: true },
              instanceType: "m5.large",
            },
          ],
        },
      ],
    });
    expect(stages[0].clusters).toEqual([
      {
        provider: "kubernetes",
        account: "k8s",
        application: "app",
        stack: "prod",
        detail: "canary",
        capacity: { min: 2, desired: 2, max: 4 },
        strategy: "redblack",
        maxRemainingAsgs: 2,
        scaleDown: true,
        delayBeforeDisable: "1m",
        delayBeforeScaleDown: "30s",
        rollback: { onFailure: true },
      },
    ]);
    expect(at(report, "$.stages[0].clusters[0].instanceType")[0].kind).toBe("dropped");
  });
});

describe("importSpinnaker: deploy clusters in several regions or accounts", () => {
  const aws = (extra: Record<string, unknown>) => ({
    provider: "local",
    application: "app",
    stack: "prod",
    capacity: { min: 1, desired: 1, max: 1 },
    strategy: "highlander",
    ...extra,
  });
  const deploy = (clusters: unknown[]) =>
    one({ name: "p", stages: [{ refId: "1", type: "deploy", clusters }] });

  it("keeps clusters of different regions apart: the region goes into the detail, reported", () => {
    const { stages, report } = deploy([
      aws({ availabilityZones: { "us-east-1": ["us-east-1a"] } }),
      aws({ availabilityZones: { "us-west-2": ["us-west-2a", "us-west-2b"] } }),
    ]);
    const clusters = stages[0].clusters as Record<string, unknown>[];
    expect(clusters.map((c) => [c.application, c.stack, c.detail])).toEqual([
      ["app", "prod", "us-east-1"],
      ["app", "prod", "us-west-2"],
    ]);
    expect(at(report, "$.stages[0].clusters[1].availabilityZones")).toEqual([
      {
        path: "$.stages[0].clusters[1].availabilityZones",
        kind: "changed",
        message:
          'the deploy also goes to app-prod elsewhere; Capstan clusters have no regions, so this one (region us-west-2) is the cluster app-prod-us-west-2 (detail "us-west-2"), or they would destroy each other\'s server groups; its zones (us-west-2a, us-west-2b) are left to the provider account',
      },
    ]);
    expect(
      report.some((n) => n.message.includes("provider detail") && n.path.includes("availabilityZones")),
    ).toBe(false);
  });

  it("splits one cluster deploying to several regions into one cluster per region, as Orca's parallel deploy", () => {
    const { stages, report } = deploy([
      aws({ freeFormDetails: "web", availabilityZones: { "us-east-1": [], "eu-west-1": [] } }),
    ]);
    const clusters = stages[0].clusters as Record<string, unknown>[];
    expect(clusters.map((c) => c.detail)).toEqual(["web-us-east-1", "web-eu-west-1"]);
    expect(clusters[1].strategy).toBe("highlander");
    expect(at(report, "$.stages[0].clusters[0].availabilityZones").map((n) => n.kind)).toEqual([
      "changed",
      "changed",
    ]);
  });

  it("keeps clusters of different accounts apart with the account in the detail", () => {
    const { stages } = deploy([
      { provider: "kubernetes", account: "k8s-east", application: "app", stack: "prod" },
      { provider: "kubernetes", account: "k8s_west", application: "app", stack: "prod" },
    ]);
    const clusters = stages[0].clusters as Record<string, unknown>[];
    expect(clusters.map((c) => [c.account, c.detail])).toEqual([
      ["k8s-east", "k8s-east"],
      ["k8s_west", "k8s_west"],
    ]);
  });

  it("leaves a single cluster alone and says its region is not carried over", () => {
    const { stages, report } = deploy([aws({ availabilityZones: { "us-east-1": ["us-east-1a"] } })]);
    expect((stages[0].clusters as Record<string, unknown>[])[0].detail).toBeUndefined();
    expect(at(report, "$.stages[0].clusters[0].availabilityZones")).toEqual([
      {
        path: "$.stages[0].clusters[0].availabilityZones",
        kind: "dropped",
        message:
          "region us-east-1 (zones us-east-1a): Capstan clusters have no regions or zones; the provider account decides where they run",
      },
    ]);
  });
});

describe("importSpinnaker: deploy fields Capstan has", () => {
  const legacyKubernetes = {
    provider: "kubernetes",
    account: "k8s",
    application: "app",
    stack: "prod",
    namespace: "default",
    region: "default",
    targetSize: 3,
    targetHealthyDeployPercentage: 90,
    containers: [
      {
        name: "app",
        imageDescription: { registry: "gcr.io", repository: "acme/app", tag: "1.2.3", account: "gcr" },
        envVars: [
          { name: "MODE", value: "prod" },
          { name: "SECRET", envSource: { secretSource: { secretName: "s", key: "k" } } },
        ],
        ports: [{ containerPort: 8080, name: "http" }],
      },
    ],
  };

  it("carries over targetHealthyDeployPercentage, the container image, targetSize and envVars", () => {
    const { stages, report } = one({
      name: "p",
      stages: [{ refId: "1", type: "deploy", clusters: [legacyKubernetes] }],
    });
    expect(stages[0].clusters).toEqual([
      {
        provider: "kubernetes",
        account: "k8s",
        namespace: "default",
        application: "app",
        stack: "prod",
        capacity: { min: 3, desired: 3, max: 3 },
        targetHealthyDeployPercentage: 90,
        image: "gcr.io/acme/app:1.2.3",
        env: { MODE: "prod" },
        strategy: "none",
      },
    ]);
    const c = "$.stages[0].clusters[0]";
    expect(at(report, `${c}.targetSize`)[0]).toMatchObject({ kind: "changed" });
    expect(at(report, `${c}.containers[0].envVars[1]`)[0]).toMatchObject({ kind: "unsupported" });
    expect(at(report, `${c}.containers[0].ports`)[0]).toMatchObject({ kind: "dropped" });
    // Nothing Capstan carries over is called provider detail; the namespace is not a region.
    expect(report.filter((n) => /provider detail/.test(n.message)).map((n) => n.path)).toEqual([]);
    expect(at(report, `${c}.region`)).toEqual([]);
    expect(at(report, `${c}.containers`)).toEqual([]);
  });

  it("an image from the trigger becomes an expression on the trigger's tag", () => {
    const cluster = {
      ...legacyKubernetes,
      containers: [
        {
          name: "app",
          imageDescription: {
            registry: "gcr.io",
            repository: "acme/app",
            fromTrigger: true,
            imageId: "gcr.io/acme/app",
          },
        },
      ],
    };
    const { stages, report } = one({
      name: "p",
      stages: [{ refId: "1", type: "deploy", clusters: [cluster] }],
    });
    expect((stages[0].clusters as Record<string, unknown>[])[0].image).toBe(
      "gcr.io/acme/app:${ trigger.tag }",
    );
    expect(at(report, "$.stages[0].clusters[0].containers[0].imageDescription")[0]).toMatchObject({
      kind: "changed",
    });
  });
});

describe("importSpinnaker: #pipelineId", () => {
  it("a pipeline stage choosing its pipeline with #pipelineId('name') names that pipeline", () => {
    const { stages, report } = one({
      name: "p",
      stages: [
        { refId: "1", type: "pipeline", application: "app", pipeline: '${#pipelineId("Deploy to prod")}' },
      ],
    });
    expect(stages[0].pipeline).toBe("Deploy to prod");
    expect(at(report, "$.stages[0].pipeline")).toEqual([
      {
        path: "$.stages[0].pipeline",
        kind: "changed",
        message:
          '#pipelineId("Deploy to prod") is the pipeline named "Deploy to prod": Capstan pipelines are known by name',
      },
    ]);
  });
});

describe("importSpinnaker: preconfigured stages", () => {
  it("names alias: a preconfigured webhook or job is defined in Orca's settings, not in the pipeline", () => {
    const { report, stages } = one({
      name: "p",
      stages: [
        {
          refId: "1",
          type: "notifyTeams",
          alias: "preconfiguredWebhook",
          name: "Tell",
          parameterValues: { x: 1 },
        },
        { refId: "2", type: "runMigrations", alias: "preconfiguredJob", name: "Migrate" },
      ],
    });
    expect(stages.map((s) => s.type)).toEqual(["notifyTeams", "runMigrations"]);
    expect(at(report, "$.stages[0].alias")).toEqual([
      {
        path: "$.stages[0].alias",
        kind: "unsupported",
        message:
          "notifyTeams is a preconfigured webhook: its URL, method, headers and payload are in Orca's webhook.preconfigured settings, not in the pipeline; write it as a webhook stage with them",
      },
    ]);
    expect(at(report, "$.stages[1].alias")).toEqual([
      {
        path: "$.stages[1].alias",
        kind: "unsupported",
        message:
          "runMigrations is a preconfigured job: its job (a Kubernetes or Titus run job) is in Orca's job.preconfigured settings, not in the pipeline; write it as a run or runJobManifest stage",
      },
    ]);
  });
});

describe("importSpinnaker: the report names every dropped field", () => {
  it("names the fields that used to go silently: source, manifestArtifactAccount, moniker, relationships, isNew, trigger id", () => {
    const { report } = one({
      name: "p",
      triggers: [{ type: "git", branch: "main", id: "5f0c2b9e-trigger" }],
      stages: [
        {
          refId: "1",
          type: "deployManifest",
          name: "Deploy",
          account: "k8s",
          cloudProvider: "kubernetes",
          source: "text",
          manifests: [{ kind: "ConfigMap", apiVersion: "v1", metadata: { name: "c" } }],
          manifestArtifactAccount: "embedded-artifact",
          moniker: { app: "sampleapp" },
          relationships: { loadBalancers: ["lb"], securityGroups: [] },
          isNew: true,
        },
      ],
    });
    for (const path of [
      "$.triggers[0].id",
      "$.stages[0].source",
      "$.stages[0].manifestArtifactAccount",
      "$.stages[0].moniker",
      "$.stages[0].relationships",
      "$.stages[0].isNew",
    ])
      expect(
        at(report, path).map((n) => n.kind),
        path,
      ).toEqual(["dropped"]);
  });

  it("says what became of a manifest stage's expected artifacts, which later stages read", () => {
    const { report } = one({
      name: "p",
      stages: [
        {
          refId: "1",
          type: "deployManifest",
          account: "k8s",
          source: "text",
          manifests: [{ kind: "ConfigMap", apiVersion: "v1", metadata: { name: "c" } }],
          expectedArtifacts: [{ id: "a1", matchArtifact: { type: "kubernetes/configMap", name: "c" } }],
        },
      ],
    });
    expect(at(report, "$.stages[0].expectedArtifacts")[0].message).not.toContain("does not carry over");
  });

  it("makes no notes for empty fields, wherever they are", () => {
    const empties = { a: null, b: "", c: [], d: {}, e: false };
    const { report } = one({
      name: "p",
      ...empties,
      locked: {},
      triggers: [{ type: "git", branch: "main", ...empties }],
      parameterConfig: [{ name: "x", ...empties }],
      stages: [
        { refId: "1", type: "wait", waitTime: 1, ...empties, restrictedExecutionWindow: { whitelist: [] } },
        {
          refId: "2",
          type: "deploy",
          clusters: [{ provider: "local", application: "app", stack: "prod", image: "x", ...empties }],
        },
      ],
    });
    expect(report.filter((n) => /\.[a-e]$|locked|restrictedExecutionWindow/.test(n.path))).toEqual([]);
  });

  it("reports graph changes: a requisite listed twice", () => {
    const { stages, report } = one({
      name: "p",
      stages: [
        { refId: "1", type: "wait", waitTime: 1 },
        { refId: "2", type: "wait", waitTime: 1, requisiteStageRefIds: ["1", 1] },
      ],
    });
    expect(stages[1].dependsOn).toEqual(["1"]);
    expect(at(report, "$.stages[1].requisiteStageRefIds[1]")).toEqual([
      {
        path: "$.stages[1].requisiteStageRefIds[1]",
        kind: "dropped",
        message: "requisiteStageRefIds names 1 twice; dependsOn lists it once",
        graph: true,
      },
    ]);
  });

  it("a Kubernetes region is a namespace, not a region Capstan lacks", () => {
    const { stages, report } = one({
      name: "p",
      stages: [
        {
          refId: "1",
          type: "disableServerGroup",
          cloudProvider: "kubernetes",
          cluster: "replicaSet app",
          credentials: "k8s",
          regions: ["web"],
          target: "current_asg_dynamic",
        },
      ],
    });
    expect(stages[0].namespace).toBe("web");
    expect(at(report, "$.stages[0].regions")).toEqual([
      {
        path: "$.stages[0].regions",
        kind: "changed",
        message: 'for Kubernetes the region is the namespace: namespace "web"',
      },
    ]);
  });
});

describe("importSpinnaker: pipeline-level fields", () => {
  it("parameters: options only when hasOptions, label kept, the rest reported", () => {
    const { value, report } = one({
      name: "p",
      stages: [],
      parameterConfig: [
        {
          name: "env",
          label: "Env",
          default: "dev",
          hasOptions: true,
          options: [{ value: "dev" }, { value: "prod" }],
          required: true,
          pinned: true,
        },
        {
          name: "tag",
          description: "",
          default: "",
          hasOptions: false,
          options: [{ value: "" }],
          pinned: false,
        },
      ],
    });
    expect(value.parameters).toEqual([
      { name: "env", label: "Env", default: "dev", options: ["dev", "prod"], required: true },
      { name: "tag", default: "" },
    ]);
    expect(report.map((n) => n.path)).toContain("$.parameterConfig[0].pinned");
  });

  it("triggers: cron, git, docker, pipeline, webhook, manual; others unsupported", () => {
    const { value, report } = one({
      id: "me",
      name: "p",
      stages: [],
      triggers: [
        { type: "cron", cronExpression: "0 0 7 ? * MON-FRI", enabled: true },
        { type: "git", source: "github", project: "acme", slug: "app", branch: "main", enabled: true },
        {
          type: "docker",
          registry: "ghcr.io",
          repository: "acme/app",
          tag: "master-\\d+",
          account: "ghcr",
          enabled: true,
        },
        {
          type: "pipeline",
          application: "app",
          pipeline: "4f1c-ab",
          status: ["failed", "suspended"],
          enabled: true,
        },
        { type: "webhook", source: "deploy-hook", enabled: false },
        { type: "manual" },
        { type: "jenkins", master: "ci", job: "build", enabled: true },
        { type: "cron", cronExpression: "0 0 12 L * ?", enabled: true },
      ],
    });
    expect(value.triggers).toEqual([
      { type: "cron", expression: "0 7 * * 1-5" },
      { type: "git", branch: "main" },
      { type: "docker", image: "ghcr.io/acme/app", tag: "master-\\d+" },
      { type: "pipeline", pipeline: "4f1c-ab", status: ["failed"] },
      { type: "webhook", enabled: false },
      { type: "manual" },
    ]);
    expect(at(report, "$.triggers[1].project")[0].message).toContain("acme");
    expect(at(report, "$.triggers[3].pipeline")[0].message).toContain(
      "replace it with the Capstan pipeline's name",
    );
    expect(at(report, "$.triggers[6]")[0].kind).toBe("unsupported");
    expect(at(report, "$.triggers[7].cronExpression")[0].kind).toBe("unsupported");
  });

  it("concurrency: absent means false in Orca, written out and reported", () => {
    const absent = one({ name: "p", stages: [] });
    expect(absent.value.concurrency).toEqual({ limitConcurrent: false, keepWaitingPipelines: false });
    expect(at(absent.report, "$.limitConcurrent")[0].kind).toBe("changed");
    const set = one({ name: "p", stages: [], limitConcurrent: true, keepWaitingPipelines: "true" });
    expect(set.value.concurrency).toEqual({ limitConcurrent: true, keepWaitingPipelines: true });
  });

  it("notifications: message text unwrapped, unsupported types dropped", () => {
    const { value, report } = one({
      name: "p",
      stages: [],
      notifications: [
        {
          type: "email",
          address: "a@b.c",
          level: "pipeline",
          when: ["pipeline.failed"],
          message: { "pipeline.failed": { text: "Failed: ${ execution.name }" } },
        },
        { type: "hipchat", address: "room", when: ["pipeline.failed"] },
      ],
    });
    expect(value.notifications).toEqual([
      {
        type: "email",
        address: "a@b.c",
        when: ["pipeline.failed"],
        message: { "pipeline.failed": "Failed: ${ execution.name }" },
      },
    ]);
    expect(at(report, "$.notifications[1]")[0].kind).toBe("unsupported");
  });

  it("writes YAML in the format's key order", () => {
    const r = one({
      stages: [{ refId: "1", type: "wait", waitTime: 1, name: "W" }],
      notifications: [],
      limitConcurrent: true,
      triggers: [{ type: "manual" }],
      parameterConfig: [{ name: "a" }],
      description: "d",
      name: "p",
    });
    expect(Object.keys(parse(r.pipelines[0].yaml))).toEqual([
      "name",
      "description",
      "parameters",
      "triggers",
      "concurrency",
      "stages",
    ]);
  });
});
