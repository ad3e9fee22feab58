#!/usr/bin/env node
// Prepares a release of the Capstan action: builds action/dist (`npm run build:action`), checks
// that the committed bundle is exactly what the sources build, and prints the tags to push. It
// tags and pushes nothing itself.
//
//   node scripts/release.mjs              build, check, print the tag commands
//   node scripts/release.mjs --skip-build check the committed bundle as it is (no build)
//   node scripts/release.mjs --print-ref  print the action reference compiled workflows use
//   --repo DIR                            another checkout (default: this one)
//
// The version is package.json's `version` (tag v<version>); compiled workflows use the major tag
// (v<major>), which this release moves, on the GitHub repository named by package.json's
// `repository` field (`capstan compile` takes it from there unless --action or
// .capstan/settings.yml says otherwise).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    repo: { type: "string" },
    "skip-build": { type: "boolean", default: false },
    "print-ref": { type: "boolean", default: false },
  },
});
const root = resolve(values.repo ?? fileURLToPath(new URL("..", import.meta.url)));

function fail(message) {
  process.stderr.write(`release: ${message}\n`);
  process.exit(1);
}

function git(...args) {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  if (r.status !== 0) fail(`git ${args.join(" ")} failed: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout.trim();
}

/** `owner/repo` of a package.json `repository` on GitHub (as cli/src/action-ref.ts reads it). */
function githubRepository(repository) {
  const url = typeof repository === "string" ? repository : repository?.url;
  if (typeof url !== "string") return undefined;
  const m =
    /^(?:github:)?([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(url) ??
    /^(?:git\+)?(?:https?|ssh|git):\/\/(?:[^@/]+@)?github\.com\/([^/]+)\/([^/#]+?)(?:\.git)?(?:#.*)?$/.exec(
      url,
    ) ??
    /^git@github\.com:([^/]+)\/([^/#]+?)(?:\.git)?$/.exec(url);
  return m ? `${m[1]}/${m[2].replace(/\.git$/, "")}` : undefined;
}

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const version = String(pkg.version ?? "");
if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(version))
  fail(`package.json: version '${version}' is not x.y.z`);
const repository = githubRepository(pkg.repository);
if (!repository) {
  fail(
    'package.json: "repository" must name the GitHub repository the action is published from (e.g. "github:OWNER/capstan"); compiled workflows use it.',
  );
}
const major = `v${version.split(".")[0]}`;
const tag = `v${version}`;
const ref = `${repository}@${major}`;
if (values["print-ref"]) {
  process.stdout.write(`${ref}\n`);
  process.exit(0);
}

// The tag must hold the sources the bundle is built from: nothing uncommitted among tracked files.
const dirty = git("status", "--porcelain", "--untracked-files=no");
if (dirty) {
  fail(`uncommitted changes; commit them first (the tag must hold what is built):\n${dirty}`);
}
const head = git("rev-parse", "HEAD");
const existing = spawnSync("git", ["rev-parse", "-q", "--verify", `refs/tags/${tag}^{commit}`], {
  cwd: root,
  encoding: "utf8",
});
if (existing.status === 0 && existing.stdout.trim() !== head) {
  fail(
    `${tag} already exists (at ${existing.stdout.trim().slice(0, 12)}); bump "version" in package.json for a new release.`,
  );
}

// What action.yml runs must be committed: GitHub runs the tagged tree, never a build.
const actionYml = join(root, "action.yml");
if (!existsSync(actionYml)) fail("no action.yml at the repository root");
const main = /^\s+main:\s*["']?([^"'\s#]+)/m.exec(readFileSync(actionYml, "utf8"))?.[1];
if (!main) fail("action.yml has no runs.main");

if (!values["skip-build"]) {
  process.stderr.write("release: npm run build:action\n");
  const build = spawnSync("npm", ["run", "build:action"], { cwd: root, stdio: ["ignore", 2, 2] });
  if (build.status !== 0) fail(`npm run build:action failed (exit ${build.status ?? build.signal})`);
}

const changed = git("status", "--porcelain", "--untracked-files=all", "--", "action/dist");
if (changed) {
  fail(
    `action/dist is not what the sources build:\n${changed}\nCommit the rebuilt bundle (git add action/dist && git commit -m "action/dist rebuilt") and run this again.`,
  );
}
if (spawnSync("git", ["ls-files", "--error-unmatch", main], { cwd: root }).status !== 0) {
  fail(`${main} (action.yml's runs.main) is not committed`);
}

// The remote that is the repository in package.json, else origin.
const remotes = git("remote")
  .split("\n")
  .filter(Boolean)
  .map((name) => ({ name, url: git("remote", "get-url", name) }));
const remote =
  remotes.find(
    (r) =>
      githubRepository(r.url.replace(/^(?:ssh:\/\/)?git@github\.com[:/]/, "github:"))?.toLowerCase() ===
      repository.toLowerCase(),
  )?.name ?? "origin";

process.stdout.write(`Capstan ${version}: action/dist is committed and matches a fresh build of ${head.slice(0, 12)}.

Tag this commit and move ${major}, the tag compiled workflows use (uses: ${ref}):

  git tag -a ${tag} -m "Capstan ${version}" ${head}
  git tag -f ${major} ${head}
  git push ${remote} ${tag}
  git push -f ${remote} ${major}
`);
