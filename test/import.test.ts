import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type ImportResult, importSpinnaker, validatePipelineText } from "@capstan/core";
import { describe, expect, it } from "vitest";

const fixture = (name: string): ImportResult =>
  importSpinnaker(
    readFileSync(fileURLToPath(new URL(`./fixtures/spinnaker/${name}`, import.meta.url)), "utf8"),
  );
const stagesOf = (r: ImportResult, i = 0) => r.pipelines[i].value.stages as Record<string, unknown>[];
const stage = (r: ImportResult, id: string) => stagesOf(r).find((s) => s.id === id);
const notesAt = (r: ImportResult, path: string) =>
  r.report.filter((n) => n.path === path).map(({ kind, message }) => ({ kind, message }));

/** Every imported pipeline validates without errors (warnings allowed: stage types Capstan cannot run). */
function expectValid(r: ImportResult) {
  for (const p of r.pipelines) {
    const errors = validatePipelineText(p.yaml, `${p.name}.yml`).diagnostics.filter(
      (d) => d.severity === "error",
    );
    expect(errors, p.name).toEqual([]);
  }
}

describe("import: GoogleCloudPlatform spinnaker-istio-canary trigger pipeline", () => {
  const r = fixture("gcp-istio-trigger-pipeline.json");

  it("converts the branching clusterSize preconditions and pipeline stages", () => {
    expect(r.diagnostics).toEqual([]);
    expect(r.pipelines[0].value).toEqual({
      name: "Trigger Deploy Pipeline",
      parameters: [
        {
          name: "successRate",
          label: "Success Rate",
          options: ["10", "20", "30", "40", "50", "60", "70", "80", "90", "100"],
          required: true,
        },
      ],
      concurrency: { limitConcurrent: true, keepWaitingPipelines: false },
      stages: [
        {
          id: "1",
          name: "First install",
          type: "checkPreconditions",
          onFailure: "haltBranch",
          preconditions: [
            {
              type: "clusterSize",
              cluster: "deployment sampleapp",
              account: "gke-1-acct",
              provider: "kubernetes",
              comparison: "==",
              expected: 0,
              failPipeline: false,
            },
          ],
        },
        {
          id: "2",
          name: "Canary Install",
          type: "checkPreconditions",
          onFailure: "haltBranch",
          preconditions: [
            {
              type: "clusterSize",
              cluster: "deployment sampleapp",
              account: "gke-1-acct",
              provider: "kubernetes",
              comparison: ">=",
              expected: 1,
              failPipeline: false,
            },
          ],
        },
        {
          id: "3",
          name: "Prod Deploy",
          type: "pipeline",
          dependsOn: ["1"],
          pipeline: "PROD_DEPLOY_PIPELINE_ID",
          parameters: { successRate: "${parameters.successRate}" },
          waitForCompletion: true,
        },
        {
          id: "4",
          name: "Canary Deploy",
          type: "pipeline",
          dependsOn: ["2"],
          pipeline: "CANARY_DEPLOY_PIPELINE_ID",
          parameters: { successRate: "${parameters.successRate}" },
          waitForCompletion: true,
        },
      ],
    });
  });

  it("reports what did not carry over, by JSON path", () => {
    // An empty default carried nothing: no note.
    expect(notesAt(r, "$.parameterConfig[0].default")).toEqual([]);
    expect(notesAt(r, "$.stages[0].preconditions[0].context.regions")).toEqual([
      {
        kind: "dropped",
        message:
          'for Kubernetes these are namespaces (["sampleapp"]); a Capstan clusterSize precondition counts the cluster in the account\'s namespace',
      },
    ]);
    expect(notesAt(r, "$.stages[2].pipeline")).toEqual([
      {
        kind: "changed",
        message:
          "only the Spinnaker pipeline id PROD_DEPLOY_PIPELINE_ID is known; replace it with the Capstan pipeline's name",
      },
    ]);
    expect(notesAt(r, "$.updateTs")).toEqual([{ kind: "dropped", message: "Spinnaker metadata" }]);
  });

  it("validates", () => expectValid(r));
});

describe("import: GoogleCloudPlatform spinnaker-istio-canary canary deploy pipeline", () => {
  const r = fixture("gcp-istio-canary-deploy-pipeline.json");

  it("keeps the graph: 26 stages, joins of three parents", () => {
    expect(r.diagnostics).toEqual([]);
    const stages = stagesOf(r);
    expect(stages).toHaveLength(26);
    expect(stage(r, "3")?.dependsOn).toEqual(["10", "8", "37"]);
    expect(stages.filter((s) => !s.dependsOn).map((s) => s.id)).toEqual(["8", "10", "37"]);
  });

  it("maps the canary branches: ignore on the analysis, haltBranch preconditions, conditional stages", () => {
    expect(stage(r, "25")).toEqual({
      id: "25",
      name: "If Canary at 10% passes",
      type: "checkPreconditions",
      dependsOn: ["18"],
      onFailure: "haltBranch",
      preconditions: [
        {
          type: "expression",
          expression: "${ #stage('Canary Analysis at 10%')['status'].toString() == 'SUCCEEDED'}",
          failPipeline: false,
        },
      ],
    });
    expect(stage(r, "9")).toEqual({
      id: "9",
      name: "Upgrade Production",
      type: "pipeline",
      dependsOn: ["34"],
      if: "${ #stage('Canary Analysis at 40%')['status'].toString() == 'SUCCEEDED'}",
      pipeline: "PROD_DEPLOY_PIPELINE_ID",
      parameters: { successRate: "${ parameters.successRate }" },
      waitForCompletion: true,
    });
    expect(stage(r, "18")).toEqual({
      id: "18",
      name: "Canary Analysis at 10%",
      type: "canaryAnalysis",
      dependsOn: ["17"],
      onFailure: "ignore",
      analysisType: "realTime",
      canaryConfig: "85d778fd-318a-4429-8a0a-d64d40139e9e",
      prometheus: "local",
      scopes: {
        control: "sampleapp-baseline",
        experiment: "sampleapp-canary",
        controlLocation: "sampleapp",
        experimentLocation: "sampleapp",
      },
      scoreThresholds: { marginal: 75, pass: 95 },
      lifetime: "5m",
      interval: "5m",
    });
    expect(stage(r, "38")).toEqual({
      id: "38",
      name: "Confirm new Prod?",
      type: "manualJudgment",
      dependsOn: ["22"],
      instructions: "Continue to new production?",
      inputs: ["continue"],
    });
    expect(stage(r, "12")).toEqual({
      id: "12",
      name: "Delete Canary",
      type: "deleteManifest",
      dependsOn: ["24"],
      account: "gke-1-acct",
      namespace: "sampleapp",
      kinds: ["deployment"],
      labelSelector: "app=sampleapp-canary",
      cascading: true,
    });
  });

  it("quotes every expression in the YAML", () => {
    const yaml = r.pipelines[0].yaml;
    for (const line of yaml.split("\n").filter((l) => l.includes("${"))) expect(line).toMatch(/["']\$\{/);
  });

  it("reports unsupported stage types, artifacts and Kayenta configs by JSON path", () => {
    expect(notesAt(r, "$.stages[2]")).toEqual([
      {
        kind: "unsupported",
        message:
          'stage type "findArtifactFromExecution" is not part of the Capstan format; kept with its fields as written (Capstan cannot run it)',
      },
    ]);
    expect(notesAt(r, "$.stages[1].manifestArtifactId")[0].kind).toBe("dropped");
    expect(notesAt(r, "$.stages[7].canaryConfig.canaryConfigId")[0].message).toBe(
      'the metrics live in Kayenta canary config "85d778fd-318a-4429-8a0a-d64d40139e9e": save its JSON (as Kayenta exports it) as .capstan/canary/85d778fd-318a-4429-8a0a-d64d40139e9e.json',
    );
    expect(notesAt(r, "$.stages[7].canaryConfig.metricsAccountName")[0].kind).toBe("changed");
    expect(notesAt(r, "$.stages[25].judgmentInputs")[0].kind).toBe("changed");
  });

  it("validates", () => expectValid(r));
});

describe("import: armory/dinghy dinghyfile", () => {
  const r = fixture("armory-dinghy-dinghyfile.json");

  it("converts every pipeline of the dinghyfile", () => {
    expect(r.diagnostics).toEqual([]);
    expect(r.pipelines.map((p) => [p.path, p.value])).toEqual(
      ["Simple", "Made By Dinghy"].map((name, i) => [
        `$.pipelines[${i}]`,
        {
          name,
          concurrency: { limitConcurrent: true, keepWaitingPipelines: false },
          stages: [{ id: "1", name: "Wait", type: "wait", duration: "15s" }],
        },
      ]),
    );
    expect(r.report).toEqual([
      {
        path: "$.application",
        kind: "dropped",
        message: "the dinghyfile's application; Capstan's is the repository",
      },
      ...[0, 1].flatMap((i) => [
        {
          path: `$.pipelines[${i}].application`,
          kind: "dropped",
          message:
            "the application is the repository; application-wide settings go in .capstan/application.yml",
        },
        { path: `$.pipelines[${i}].index`, kind: "dropped", message: "Spinnaker metadata" },
      ]),
    ]);
  });

  it("writes the header and validates", () => {
    expect(r.pipelines[0].yaml).toBe(
      [
        "# Imported from Spinnaker pipeline JSON by capstan import; see the import report.",
        "name: Simple",
        "concurrency:",
        "  limitConcurrent: true",
        "  keepWaitingPipelines: false",
        "stages:",
        '  - id: "1"',
        "    name: Wait",
        "    type: wait",
        "    duration: 15s",
        "",
      ].join("\n"),
    );
    expectValid(r);
  });
});

describe("import: spinnaker/orca rendered template pipelines", () => {
  it("fan-out and join with a pipeline notification", () => {
    const r = fixture("orca-template-example-expected.json");
    expect(r.pipelines[0].value).toEqual({
      name: "My super awesome pipeline",
      concurrency: { limitConcurrent: true, keepWaitingPipelines: false },
      notifications: [{ type: "email", address: "example@example.com", when: ["pipeline.failed"] }],
      stages: [
        { id: "wait1", name: "wait1", type: "wait", duration: "20s" },
        { id: "waitChild2", name: "waitChild2", type: "wait", dependsOn: ["wait1"], duration: "15s" },
        { id: "waitChild1", name: "waitChild1", type: "wait", dependsOn: ["wait1"], duration: "20s" },
        {
          id: "finalWait",
          name: "finalWait",
          type: "wait",
          dependsOn: ["waitChild2", "waitChild1"],
          duration: "10s",
        },
      ],
    });
    expect(notesAt(r, "$.notifications[0].name")).toEqual([
      { kind: "dropped", message: 'name "email0" has no Capstan equivalent' },
    ]);
    expectValid(r);
  });

  it("dotted refIds and stage groups", () => {
    const r = fixture("orca-template-loops-expected.json");
    expect(stagesOf(r).map((s) => [s.id, s.dependsOn ?? []])).toEqual([
      ["loopedPartial0.dynamicWait", []],
      ["loopedPartial1.dynamicWait", []],
      ["joinWait", ["loopedPartial0.dynamicWait", "loopedPartial1.dynamicWait"]],
      ["stageLoop-5", ["joinWait"]],
      ["stageLoop-10", ["joinWait"]],
    ]);
    expect(notesAt(r, "$.stages[0].group")).toEqual([
      { kind: "dropped", message: "stage groups are a templating detail" },
    ]);
    expectValid(r);
  });
});
