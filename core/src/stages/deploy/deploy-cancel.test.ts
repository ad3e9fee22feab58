import { describe, expect, it } from "vitest";
import { startExecution } from "../../engine/engine.js";
import { SpelEvaluator } from "../../engine/spel-evaluator.js";
import { harness, pipelineFrom, statuses } from "../../engine/testdata/kit.js";
import { providerServices } from "../../providers/services.js";
import { MemoryProvider } from "../../providers/testdata/memory-provider.js";

/** A deploy next to a branch that fails after 5 s, which halts the pipeline and cancels the deploy. */
const pipeline = (cluster: string) => `
name: canceled-deploy
stages:
  - id: deploy
    type: deploy
    clusters:
${cluster}
  - id: pause
    type: wait
    duration: 5s
  - id: fail
    type: checkPreconditions
    dependsOn: [pause]
    preconditions:
      - { type: expression, expression: "\${ false }" }
`;

async function run(yaml: string, provider: MemoryProvider, validation?: string) {
  const { services, store } = harness({
    expressions: new SpelEvaluator(),
    providers: providerServices([provider]),
    ...(validation ? { pipelines: { resolve: () => ({ pipeline: pipelineFrom(validation) }) } } : {}),
  });
  const started = startExecution(services, { pipeline: pipelineFrom(yaml), executionId: "e1" });
  if (!started.runner) throw new Error(started.errors.join("; "));
  const record = await started.runner.run();
  return { record, store, deploy: record.stages.find((s) => s.refId === "deploy")! };
}

async function withSource(provider: MemoryProvider, desired: number, min = desired) {
  await provider.createServerGroup({
    application: "app",
    stack: "prod",
    capacity: { min, desired, max: desired },
    image: "app:1",
    launchConfig: {},
  });
}

describe("canceling a server-group stage", () => {
  it("stops waiting at once, keeps what was created, and does not roll back (red/black, rollback.onFailure)", async () => {
    const provider = new MemoryProvider();
    await withSource(provider, 2);
    provider.unhealthy.add("app:2");
    const { record, deploy } = await run(
      pipeline(`      - { application: app, stack: prod, strategy: redblack, image: "app:2",
          capacity: { min: 2, desired: 2, max: 2 }, rollback: { onFailure: true, destroyLatest: true } }`),
      provider,
    );
    expect(record.status).toBe("TERMINAL");
    expect(statuses(record)).toMatchObject({ deploy: "CANCELED", fail: "TERMINAL" });
    // Canceled when the other branch failed, not after the deploy's 10-minute health wait.
    expect(deploy.endTime! - deploy.startTime!).toBe(5000);
    expect(provider.summary()).toEqual(["app-prod-v000:2:2:on", "app-prod-v001:2:2:on"]);
    expect(provider.calls.filter((c) => /^(disable|destroy|enable)/.test(c))).toEqual([]);
    expect(deploy.context.canceledWith).toEqual([
      "app-prod: stopped at step 2 of 4 (waitHealthy); app-prod-v001 stays as it is; nothing rolled back",
    ]);
    expect((deploy.context.serverGroupPlans as { vars: unknown }[])[0].vars).toEqual({
      source: "app-prod-v000",
      deployed: "app-prod-v001",
    });
  });

  it("gives a rolling deploy's pinned source its minimum back, traffic untouched", async () => {
    const provider = new MemoryProvider();
    await withSource(provider, 4, 1);
    provider.unhealthy.add("app:2");
    const { deploy } = await run(
      pipeline(`      - { application: app, stack: prod, strategy: rollingredblack, image: "app:2",
          targetPercentages: [50, 100], capacity: { min: 4, desired: 4, max: 4 } }`),
      provider,
    );
    expect(deploy.status).toBe("CANCELED");
    expect(provider.calls).toContain("resize app-prod-v000 4/4/4");
    expect(provider.summary()).toEqual(["app-prod-v000:4:1:on", "app-prod-v001:2:2:on"]);
    expect(deploy.context.canceledWith).toEqual([
      "unpinned app-prod-v000: min 4 -> 1",
      expect.stringMatching(/^app-prod: stopped at step 3 of 9 \(growTo\); app-prod-v001 stays/),
    ]);
  });

  it("cancels a validation pipeline that is still running", async () => {
    const provider = new MemoryProvider();
    await withSource(provider, 2);
    const { record, store, deploy } = await run(
      pipeline(`      - { application: app, stack: prod, strategy: rollingredblack, image: "app:2",
          targetPercentages: [50, 100], capacity: { min: 2, desired: 2, max: 2 },
          pipelineBeforeCleanup: { pipeline: validate } }`),
      provider,
      "name: validate\nstages:\n  - { id: hold, type: manualJudgment }\n",
    );
    expect(record.status).toBe("TERMINAL");
    expect(deploy.status).toBe("CANCELED");
    const childId = "e1.deploy.0.validation-50";
    expect(deploy.context.canceledWith).toContain(`canceled validation pipeline execution ${childId}`);
    const child = store.read(childId);
    expect(child.find((e) => e.kind === "execution.completed")).toMatchObject({ status: "CANCELED" });
    expect(provider.summary()).toEqual(["app-prod-v000:2:2:on", "app-prod-v001:1:1:on"]);
  });
});
