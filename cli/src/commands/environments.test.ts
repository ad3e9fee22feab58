import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkExchanges } from "../../../test/github-double/openapi.js";
import { GithubDouble } from "../../../test/github-double/server.js";
import type { CliIo } from "../io.js";
import { environmentsCommand } from "./environments.js";

let gh: GithubDouble;
let dir: string;

beforeAll(async () => {
  gh = new GithubDouble();
  await gh.start();
  gh.addUser("alice");
  gh.addTeam("acme", "release");
  dir = mkdtempSync(join(tmpdir(), "capstan-envs-"));
  mkdirSync(join(dir, ".capstan", "pipelines"), { recursive: true });
  writeFileSync(
    join(dir, ".capstan", "pipelines", "p.yml"),
    `name: Ship
stages:
  - { id: a, type: manualJudgment, inputs: [go] }
  - { id: b, type: manualJudgment, inputs: [go], environment: prod-approval, dependsOn: [a] }
`,
  );
});
afterAll(() => gh.stop());

function io(token: string) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    cwd: dir,
    env: { GITHUB_TOKEN: token, GITHUB_REPOSITORY: "acme/shop", GITHUB_API_URL: gh.url },
    isTTY: false,
  };
  return { io: value, out, err };
}

describe("capstan environments sync (against the GitHub double)", () => {
  it("fails without approvers for environments that are missing, then creates them with reviewers", async () => {
    const first = io("ghp_acme");
    expect(await environmentsCommand(["sync"], first.io)).toBe(1);
    expect(first.err.join("")).toContain("capstan-ship-a: does not exist");
    const second = io("ghp_acme");
    expect(
      await environmentsCommand(
        ["sync", "--approvers", "alice", "--approvers-for", "prod-approval=alice,acme/release"],
        second.io,
      ),
    ).toBe(0);
    expect(gh.hasRequiredReviewers("capstan-ship-a")).toBe(true);
    expect(gh.environments.get("prod-approval")!.reviewers.map((r) => r.type)).toEqual(["User", "Team"]);
    const third = io("ghp_acme");
    expect(await environmentsCommand(["sync"], third.io)).toBe(0);
    expect(third.out.join("")).toContain("✓ prod-approval: has required reviewers");
    expect(checkExchanges(gh.exchanges)).toEqual([]);
  });

  it("says the token needs administration rights when GitHub refuses", async () => {
    const run = io(gh.appToken);
    expect(await environmentsCommand(["sync", "--approvers", "alice"], run.io)).toBe(1);
    expect(run.err.join("")).toContain("needs administration rights");
  });
});
