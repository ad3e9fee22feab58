// scripts/release.mjs against a throwaway repository shaped like Capstan's (package.json with a
// build:action script, action.yml, action/dist): it builds, checks the bundle is committed and up
// to date, and prints the tags to push. The real repository is never built or tagged here.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { capstanPackageRef } from "../../cli/src/action-ref.js";

const script = fileURLToPath(new URL("../../scripts/release.mjs", import.meta.url));
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.invalid",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.invalid",
};

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, env: gitEnv, encoding: "utf8" }).trim();
}

/** A committed repository whose `npm run build:action` copies action/src/main.js to action/dist/index.js. */
function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), "capstan-release-"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: "capstan",
      version: "1.4.2",
      private: true,
      repository: { type: "git", url: "https://github.com/acme/capstan.git" },
      scripts: { "build:action": "node build.mjs" },
    }),
  );
  writeFileSync(
    join(dir, "build.mjs"),
    `import { cpSync, mkdirSync } from "node:fs";
mkdirSync("action/dist", { recursive: true });
cpSync("action/src/main.js", "action/dist/index.js");
`,
  );
  writeFileSync(join(dir, "action.yml"), "name: x\nruns:\n  using: node24\n  main: action/dist/index.js\n");
  mkdirSync(join(dir, "action", "src"), { recursive: true });
  writeFileSync(join(dir, "action", "src", "main.js"), "console.log(1);\n");
  execFileSync(process.execPath, ["build.mjs"], { cwd: dir });
  git(dir, "init", "-q", "-b", "main");
  git(dir, "remote", "add", "origin", "git@github.com:acme/capstan.git");
  git(dir, "add", ".");
  git(dir, "commit", "-q", "-m", "first");
  return dir;
}

function release(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [script, "--repo", dir, ...args], { encoding: "utf8", env: gitEnv });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("scripts/release.mjs", () => {
  it("builds action/dist, finds it committed and up to date, and prints the tags to push", () => {
    const dir = fixture();
    const sha = git(dir, "rev-parse", "HEAD");
    const r = release(dir);
    expect(r.err + r.out).not.toContain("not what the sources build");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`action/dist is committed and matches a fresh build of ${sha.slice(0, 12)}`);
    expect(r.out).toContain(`git tag -a v1.4.2 -m "Capstan 1.4.2" ${sha}`);
    expect(r.out).toContain(`git tag -f v1 ${sha}`);
    expect(r.out).toContain("git push origin v1.4.2");
    expect(r.out).toContain("git push -f origin v1");
    expect(r.out).toContain("uses: acme/capstan@v1");
    // It tags nothing itself.
    expect(git(dir, "tag", "-l")).toBe("");
  });

  it("fails when the committed bundle is not what the sources build, and says what to commit", () => {
    const dir = fixture();
    writeFileSync(join(dir, "action", "src", "main.js"), "console.log(2);\n");
    git(dir, "commit", "-q", "-am", "change the source, forget the bundle");
    const r = release(dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain("action/dist is not what the sources build");
    expect(r.err).toContain("action/dist/index.js");
    expect(r.err).toContain("git add action/dist");
    expect(r.out).not.toContain("git tag");
    // The rebuilt bundle is left in place, ready to commit.
    expect(readFileSync(join(dir, "action", "dist", "index.js"), "utf8")).toBe("console.log(2);\n");
  });

  it("refuses to start with uncommitted changes (the tag would not hold what was built)", () => {
    const dir = fixture();
    writeFileSync(join(dir, "action", "src", "main.js"), "console.log(3);\n");
    const r = release(dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain("uncommitted changes");
    expect(r.err).toContain("action/src/main.js");
  });

  it("refuses a version whose tag already exists elsewhere", () => {
    const dir = fixture();
    git(dir, "tag", "v1.4.2");
    writeFileSync(join(dir, "README.md"), "more\n");
    git(dir, "add", "README.md");
    git(dir, "commit", "-q", "-m", "after the release");
    const r = release(dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain("v1.4.2 already exists");
    expect(r.err).toContain('bump "version" in package.json');
  });

  it("prints the same action reference `capstan compile` uses for Capstan's own package", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    const r = release(fileURLToPath(new URL("../..", import.meta.url)), "--print-ref");
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(capstanPackageRef().ref);
    expect(capstanPackageRef().ref).toBe(`capstan-dev/capstan@v${pkg.version.split(".")[0]}`);
  });
});
