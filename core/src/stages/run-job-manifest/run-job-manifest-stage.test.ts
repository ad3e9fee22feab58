import { describe, expect, it } from "vitest";
import { KubeRig, stageOf } from "../manifest-kit/testdata/kube-rig.js";
import { parseJobOutputs } from "./run-job-manifest-stage.js";

const job = `
name: j
stages:
  - id: job
    type: runJobManifest
    manifest:
      apiVersion: batch/v1
      kind: Job
      metadata: { name: migrate }
      spec: { template: { spec: { restartPolicy: Never, containers: [{ name: m, image: m:1 }] } } }
`;

describe("runJobManifest", () => {
  it("reads property lines", () => {
    expect(
      parseJobOutputs(
        'x\nSPINNAKER_PROPERTY_VERSION=1.2\nSPINNAKER_CONFIG_JSON={"a":1}\nCAPSTAN_OUTPUT_b=c\n',
      ),
    ).toEqual({ VERSION: "1.2", a: 1, b: "c" });
  });

  it("runs the Job, puts its logs in the stage log and its properties in the outputs", async () => {
    const rig = new KubeRig();
    rig.kubectl.jobLogs.set("migrate", "migrating\nSPINNAKER_PROPERTY_SCHEMA=42\n");
    const r = await rig.run(job);
    expect(r.status).toBe("SUCCEEDED");
    expect(rig.log(r, "job")).toContain("migrating");
    expect(stageOf(r, "job").outputs).toMatchObject({ jobName: "migrate", SCHEMA: "42" });
  });

  it("a failed Job is TERMINAL with its condition and still logs", async () => {
    const rig = new KubeRig();
    rig.kubectl.failingJobs.add("migrate");
    rig.kubectl.jobLogs.set("migrate", "boom\n");
    const r = await rig.run(job);
    expect(r.status).toBe("TERMINAL");
    expect(stageOf(r, "job").error).toContain("Job has reached the specified backoff limit");
    expect(rig.log(r, "job")).toContain("boom");
  });
});
