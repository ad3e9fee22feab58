import { describe, expect, it } from "vitest";
import type { StageRecord } from "../../engine/record.js";
import { SpelEvaluator } from "../../engine/spel-evaluator.js";
import { runPipeline, statuses } from "../../engine/testdata/kit.js";
import { providerServices } from "../../providers/services.js";
import type { Provider, ServerGroup } from "../../providers/types.js";
import { checkPreconditionsStage } from "./check-preconditions-stage.js";

function group(cluster: string, seq: number, disabled = false): ServerGroup {
  const [app, stack] = cluster.split("-");
  return {
    name: `${cluster}-v00${seq}`,
    cluster,
    moniker: { app, stack, cluster, sequence: seq },
    provider: "fake",
    account: "test",
    location: "here",
    createdTime: seq,
    capacity: { min: 1, desired: 1, max: 1 },
    disabled,
    trafficPercentage: disabled ? 0 : 100,
    image: `img:${seq}`,
    instances: [],
    loadBalancers: [],
    launchConfig: {},
  };
}

/**
 * A read-only provider over a fixed table of server groups, answering after `delayMs` of real
 * time; it counts how many listings run at once. Changing operations are refused: a precondition
 * must never call them.
 */
class TableProvider implements Provider {
  readonly provider = "fake";
  readonly account = "test";
  inFlight = 0;
  maxInFlight = 0;
  listed: string[] = [];

  constructor(
    private readonly groups: ServerGroup[],
    private readonly delayMs = 0,
  ) {}

  async listClusters() {
    return [...new Set(this.groups.map((g) => g.cluster))];
  }
  async listServerGroups(cluster: string) {
    this.listed.push(cluster);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.inFlight--;
    return this.groups.filter((g) => g.cluster === cluster).map((g) => structuredClone(g));
  }
  async getServerGroup(name: string) {
    return this.groups.find((g) => g.name === name);
  }
  private refuse(): never {
    throw new Error("a precondition must not change server groups");
  }
  async createServerGroup(): Promise<ServerGroup> {
    this.refuse();
  }
  async resizeServerGroup(): Promise<ServerGroup> {
    this.refuse();
  }
  async enableServerGroup(): Promise<ServerGroup> {
    this.refuse();
  }
  async disableServerGroup(): Promise<ServerGroup> {
    this.refuse();
  }
  async destroyServerGroup(): Promise<void> {
    this.refuse();
  }
  async cloneServerGroup(): Promise<ServerGroup> {
    this.refuse();
  }
  async listLoadBalancers() {
    return [];
  }
}

const table = () => [group("app-prod", 1, true), group("app-prod", 2), group("app-canary", 1)];

const yaml = `
name: sizes
stages:
  - id: exact
    type: checkPreconditions
    preconditions:
      - { type: clusterSize, cluster: app-prod, comparison: "==", expected: 2 }
  - id: enabled
    type: checkPreconditions
    preconditions:
      - { type: clusterSize, cluster: app-prod, expected: 1, onlyEnabledServerGroups: true }
  - id: soft
    type: checkPreconditions
    preconditions:
      - { type: clusterSize, cluster: app-prod, comparison: ">=", expected: 3, failPipeline: false }
  - id: after-soft
    type: wait
    duration: 0s
    dependsOn: [soft]
`;

describe("checkPreconditions clusterSize", () => {
  it("counts server groups through the provider; failPipeline false stops only the branch", async () => {
    const provider = new TableProvider(table());
    const r = await runPipeline(yaml, { providers: providerServices([provider]) });
    expect(statuses(r)).toEqual({
      exact: "SUCCEEDED",
      enabled: "SUCCEEDED",
      soft: "STOPPED",
      "after-soft": "NOT_STARTED",
    });
    expect(r.status).toBe("SUCCEEDED");
    const soft = r.stages.find((s) => s.refId === "soft")!;
    expect(soft.error).toBe("precondition failed: expected server groups in app-prod >= 3, found 2");
    expect(soft.context.preconditionResults).toEqual([
      {
        type: "clusterSize",
        passed: false,
        failPipeline: false,
        actualSize: 2,
        message: "expected server groups in app-prod >= 3, found 2",
      },
    ]);
  });

  it("fails the pipeline when failPipeline is true (the default), and a missing cluster counts 0", async () => {
    const provider = new TableProvider(table());
    const r = await runPipeline(
      `
name: p
stages:
  - id: none
    type: checkPreconditions
    preconditions:
      - { type: clusterSize, cluster: app-staging, comparison: ">", expected: 0 }
`,
      { providers: providerServices([provider]) },
    );
    expect(r.status).toBe("TERMINAL");
    expect(r.stages[0].error).toBe("precondition failed: expected server groups in app-staging > 0, found 0");
  });

  it("checks the preconditions of one stage in parallel", async () => {
    const provider = new TableProvider(table(), 30);
    const r = await runPipeline(
      `
name: p
stages:
  - id: both
    type: checkPreconditions
    preconditions:
      - { type: clusterSize, cluster: app-prod, expected: 2 }
      - { type: clusterSize, cluster: app-canary, expected: 1 }
      - { type: expression, expression: "\${ true }" }
`,
      { providers: providerServices([provider]), expressions: new SpelEvaluator() },
    );
    expect(r.status).toBe("SUCCEEDED");
    expect(provider.listed.sort()).toEqual(["app-canary", "app-prod"]);
    expect(provider.maxInFlight).toBe(2);
    expect((r.stages[0].context.preconditionResults as { passed: boolean }[]).map((o) => o.passed)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it("evaluates the precondition's fields", async () => {
    const provider = new TableProvider(table());
    const r = await runPipeline(
      `
name: p
parameters:
  - { name: expected, default: "1" }
  - { name: cluster, default: app-canary }
stages:
  - id: evaluated
    type: checkPreconditions
    preconditions:
      - { type: clusterSize, cluster: "\${ parameters.cluster }", expected: "\${ parameters.expected }" }
`,
      { providers: providerServices([provider]), expressions: new SpelEvaluator() },
    );
    expect(r.stages[0].status).toBe("SUCCEEDED");
    expect(provider.listed).toEqual(["app-canary"]);
  });

  it("fails with the reason when the run has no provider or the account is unknown", async () => {
    const noProvider = await runPipeline(yaml);
    expect(noProvider.stages[0].error).toContain("has none configured");
    const other = await runPipeline(
      `
name: p
stages:
  - id: s
    type: checkPreconditions
    preconditions:
      - { type: clusterSize, cluster: app-prod, account: elsewhere }
`,
      { providers: providerServices([new TableProvider(table())]) },
    );
    expect(other.stages[0].error).toContain("no provider account */elsewhere");
  });

  it("is pure (journal batched) only while no precondition asks a provider", () => {
    const pure = checkPreconditionsStage.pure as (s: StageRecord) => boolean;
    const stage = (preconditions: unknown[]) => ({ context: { preconditions } }) as unknown as StageRecord;
    expect(pure(stage([{ type: "expression", expression: "${ true }" }]))).toBe(true);
    expect(pure(stage([{ type: "expression" }, { type: "clusterSize", cluster: "a-b" }]))).toBe(false);
  });
});
