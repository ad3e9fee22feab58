import { describe, expect, it } from "vitest";
import { importSpinnaker } from "../../import/index.js";
import { validatePipelineText } from "../../validate/validate.js";

// A kayentaCanary stage as Deck writes it (numbers as strings, one scope), with Orca-managed deployments.
const pipeline = {
  name: "canary",
  stages: [
    {
      refId: "1",
      requisiteStageRefIds: [],
      type: "kayentaCanary",
      name: "Canary Analysis",
      analysisType: "realTime",
      continuePipeline: true,
      failPipeline: false,
      deployments: { baseline: { cloudProvider: "aws" }, serverGroupPairs: [{}] },
      canaryConfig: {
        canaryConfigId: "0a1b2c3d",
        canaryConfigName: "myapp-canary",
        lifetimeDuration: "PT1H30M",
        canaryAnalysisIntervalMins: "30",
        beginCanaryAnalysisAfterMins: "10",
        lookbackMins: "15",
        baselineAnalysisOffsetInMins: "0",
        metricsAccountName: "prometheus-prod",
        storageAccountName: "s3",
        scopes: [
          {
            scopeName: "default",
            controlScope: "myapp-prod-baseline-v001",
            controlLocation: "us-east-1",
            experimentScope: "myapp-prod-canary-v001",
            experimentLocation: "us-east-1",
            step: "60",
            extendedScopeParams: { resourceType: "aws_ec2_instance" },
          },
        ],
        scoreThresholds: { marginal: "60", pass: "80" },
      },
    },
  ],
};

describe("capstan import spinnaker: kayentaCanary", () => {
  const r = importSpinnaker(JSON.stringify(pipeline));
  const stage = (r.pipelines[0].value.stages as Record<string, unknown>[])[0];

  it("becomes a runnable canaryAnalysis stage", () => {
    expect(stage).toEqual({
      id: "1",
      name: "Canary Analysis",
      type: "canaryAnalysis",
      onFailure: "ignore",
      analysisType: "realTime",
      canaryConfig: "myapp-canary",
      prometheus: "local",
      scopes: {
        control: "myapp-prod-baseline-v001",
        experiment: "myapp-prod-canary-v001",
        controlLocation: "us-east-1",
        experimentLocation: "us-east-1",
        extendedScopeParams: { resourceType: "aws_ec2_instance" },
      },
      step: "1m",
      scoreThresholds: { marginal: 60, pass: 80 },
      lifetime: "1h30m",
      interval: "30m",
      warmup: "10m",
      lookback: "15m",
    });
    const errors = validatePipelineText(r.pipelines[0].yaml, "canary.yml").diagnostics.filter(
      (d) => d.severity === "error",
    );
    expect(errors).toEqual([]);
  });

  it("says where the canary config goes, what the metrics account became, and what was left out", () => {
    const notes = Object.fromEntries(r.report.map((n) => [n.path, n.kind]));
    expect(notes).toMatchObject({
      "$.stages[0].canaryConfig.canaryConfigName": "changed",
      "$.stages[0].canaryConfig.metricsAccountName": "changed",
      "$.stages[0].canaryConfig.storageAccountName": "dropped",
      "$.stages[0].deployments": "unsupported",
    });
    expect(r.report.find((n) => n.path === "$.stages[0].canaryConfig.canaryConfigName")?.message).toContain(
      ".capstan/canary/myapp-canary.json",
    );
  });
});
