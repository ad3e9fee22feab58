import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Provider, serveSocket } from "@capstan/core";
import { afterEach, describe, expect, it } from "vitest";
import { localRepository, runnerProviderServices } from "./runner-providers.js";

const dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), "cap-rp-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("the local provider of a GitHub job", () => {
  it("uses CAPSTAN_LOCAL_REPO (relative to the workspace), else the workspace", () => {
    expect(localRepository("/w/repo", {})).toBe("/w/repo");
    expect(localRepository("/w/repo", { CAPSTAN_LOCAL_REPO: "  " })).toBe("/w/repo");
    expect(localRepository("/w/repo", { CAPSTAN_LOCAL_REPO: "/srv/capstan/app" })).toBe("/srv/capstan/app");
    expect(localRepository("/w/repo", { CAPSTAN_LOCAL_REPO: "../machine" })).toBe("/w/machine");
  });

  it("never starts a supervisor: with none running, a call fails saying what to start", async () => {
    const workspace = temp();
    const providers = runnerProviderServices(workspace, {}, () => undefined);
    const local = providers.resolve("local") as Provider;
    await expect(local.listServerGroups("myapp-prod")).rejects.toThrow(
      `No local-provider supervisor answers at ${workspace}/.capstan/local/supervisor.sock`,
    );
    await expect(local.listServerGroups("myapp-prod")).rejects.toThrow(
      `capstan local up --repo ${workspace}`,
    );
  });

  it("adopts the supervisor listening in CAPSTAN_LOCAL_REPO's folder", async () => {
    const machine = temp();
    mkdirSync(join(machine, ".capstan", "local"), { recursive: true });
    const server = await serveSocket(
      join(machine, ".capstan", "local", "supervisor.sock"),
      async (request) => (request.method === "serverGroup.list" ? [{ name: "myapp-prod-v000" }] : {}),
    );
    try {
      const providers = runnerProviderServices(temp(), { CAPSTAN_LOCAL_REPO: machine }, () => undefined);
      const local = providers.resolve("local") as Provider;
      expect((await local.listServerGroups("myapp-prod")).map((g) => g.name)).toEqual(["myapp-prod-v000"]);
    } finally {
      server.close();
    }
  });

  it("reads traffic guards from the checked-out application.yml and reports bad ones", () => {
    const workspace = temp();
    mkdirSync(join(workspace, ".capstan"));
    const file = join(workspace, ".capstan", "application.yml");
    writeFileSync(file, "name: myapp\ntrafficGuards:\n  - { cluster: myapp-prod }\n");
    expect(runnerProviderServices(workspace, {}, () => undefined).trafficGuards).toEqual([
      { cluster: "myapp-prod" },
    ]);
    writeFileSync(file, "name: myapp\ntrafficGuards: 3\n");
    const warnings: string[] = [];
    expect(runnerProviderServices(workspace, {}, (t) => warnings.push(t)).trafficGuards).toEqual([]);
    expect(warnings).toEqual([`${file}: trafficGuards must be a list`]);
  });
});
