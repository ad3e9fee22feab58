// `capstan run` of the red/black example from the terminal: the CLI's own services, a repository
// with no Kubernetes account (so kubectl's ambient KUBECONFIG is used), the double in its own process.
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../cli/src/io.js";
import { main } from "../../cli/src/main.js";
import { KUBECTLS } from "../kube-double/kit.js";
import { type DoubleProcess, spawnKubeDouble } from "../kube-double/spawn.js";
import { ROOT } from "./kit.js";

let double: DoubleProcess | undefined;
afterAll(async () => {
  await double?.stop();
});

async function capstan(argv: string[], cwd: string, env: Record<string, string>) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd,
    env: { ...process.env, ...env },
    isTTY: false,
    readStdin: async () => "",
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

// The CLI runs the kubectl on the PATH.
describe.skipIf(!KUBECTLS.some((k) => k.name === "system"))(
  "capstan run examples/kubernetes-red-black.yml",
  () => {
    it("deploys v000, then v001 with v000 disabled, with the CLI's services", async () => {
      double = await spawnKubeDouble();
      const repo = mkdtempSync(join(tmpdir(), "capstan-k8s-cli-"));
      mkdirSync(join(repo, ".git"));
      copyFileSync(join(ROOT, "examples/kubernetes-red-black.yml"), join(repo, "red-black.yml"));
      const env = { KUBECONFIG: double.kubeconfig, CAPSTAN_USER: "tester" };
      const first = await capstan(
        ["run", "red-black.yml", "--param", "version=v1", "--judge", "judge=keep"],
        repo,
        env,
      );
      expect(first.stderr).not.toContain("cannot run");
      expect(first.code, first.stdout + first.stderr).toBe(0);
      const second = await capstan(
        ["run", "red-black.yml", "--param", "version=v2", "--judge", "judge=keep"],
        repo,
        env,
      );
      expect(second.code, second.stdout + second.stderr).toBe(0);
      const status = await capstan(["status", "--json"], repo, env);
      const record = JSON.parse(status.stdout) as {
        stages: { refId: string; outputs: Record<string, unknown> }[];
      };
      expect(record.stages.find((s) => s.refId === "deploy")?.outputs).toMatchObject({
        "deploy.server.groups": { default: ["replicaSet web-v001"] },
        disabledManifests: ["replicaSet web-v000"],
      });
    }, 120_000);
  },
);
