// Helpers for the local provider's end-to-end tests: a temporary repository with the examples, the
// real CLI (cli/dist, built once per test file), and cleanup that stops every process even on failure.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI = join(ROOT, "cli", "bin", "capstan.js");

/**
 * Builds core and cli to dist/ (serialized with other builds through a lock file). Type errors elsewhere
 * in the tree do not stop tsc from emitting, so its exit status is not what decides here.
 */
export function buildCli(): void {
  spawnSync("flock", ["/tmp/capstan-build.lock", "npx", "tsc", "-b", "cli"], { cwd: ROOT, stdio: "ignore" });
  if (!existsSync(join(ROOT, "cli", "dist", "local", "supervisor-main.js")))
    throw new Error("cli build produced no supervisor");
}

export interface Repo {
  dir: string;
  /** Every `capstan` process a test started (killed at cleanup if still running). */
  children: ChildProcess[];
}

/**
 * For a test file whose tests each use one repository: builds the CLI before them, and stops and
 * removes the repository a test made (through the returned function) after it, even on failure.
 */
export function repoPerTest(): (applicationYml?: string) => Repo {
  const made: Repo[] = [];
  beforeAll(() => buildCli(), 180_000);
  afterEach(async () => {
    for (const repo of made.splice(0)) await cleanup(repo);
  });
  return (applicationYml) => {
    const repo = makeRepo(applicationYml);
    made.push(repo);
    return repo;
  };
}

/** A temporary repository (short path: the supervisor's Unix socket lives in it) with the examples. */
export function makeRepo(applicationYml = "name: myapp\n"): Repo {
  const dir = mkdtempSync("/tmp/cl-");
  mkdirSync(join(dir, ".capstan"), { recursive: true });
  writeFileSync(join(dir, ".capstan", "application.yml"), applicationYml);
  cpSync(join(ROOT, "examples"), join(dir, "examples"), { recursive: true });
  return { dir, children: [] };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `capstan ARGS` in the repository to its end. */
export function capstan(repo: Repo, args: string[], timeoutMs = 120_000): Promise<CliResult> {
  const child = startCapstan(repo, args);
  return finished(child, timeoutMs);
}

/** Starts `capstan ARGS` without waiting (output collected on the child). */
export function startCapstan(
  repo: Repo,
  args: string[],
): ChildProcess & { out: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: repo.dir,
    env: { ...process.env, CAPSTAN_USER: "tester", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  }) as ChildProcess & { out: { stdout: string; stderr: string } };
  child.out = { stdout: "", stderr: "" };
  child.stdout?.setEncoding("utf8").on("data", (t: string) => {
    child.out.stdout += t;
  });
  child.stderr?.setEncoding("utf8").on("data", (t: string) => {
    child.out.stderr += t;
  });
  repo.children.push(child);
  return child;
}

/** Resolves when a started CLI process exits (killing it after the timeout). */
export function finished(
  child: ChildProcess & { out?: { stdout: string; stderr: string } },
  timeoutMs = 120_000,
): Promise<CliResult> {
  return new Promise((resolveDone) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const done = (code: number | null) => {
      clearTimeout(timer);
      resolveDone({ code, stdout: child.out?.stdout ?? "", stderr: child.out?.stderr ?? "" });
    };
    if (child.exitCode !== null) done(child.exitCode);
    else child.once("exit", (code) => done(code));
  });
}

/** Waits until `predicate` holds (checked every 100 ms), or fails with `what`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface GroupView {
  name: string;
  image: string;
  capacity: { min: number; desired: number; max: number };
  disabled: boolean;
  takingTraffic: number;
  instances: { id: string; pid?: number; healthState: string; restarts?: number }[];
}

export interface StatusView {
  running: boolean;
  pid: number;
  clusters: { name: string; loadBalancer: string; serverGroups: GroupView[] }[];
}

/** `capstan local status --json`. */
export async function status(repo: Repo): Promise<StatusView> {
  const r = await capstan(repo, ["local", "status", "--json"], 20_000);
  return JSON.parse(r.stdout) as StatusView;
}

/** Server groups of a cluster by name: `{ "myapp-prod-v000": { desired, up } }`. */
export async function sizes(
  repo: Repo,
  cluster = "myapp-prod",
): Promise<Record<string, { desired: number; up: number; traffic: number }>> {
  const s = await status(repo);
  const c = s.clusters?.find((x) => x.name === cluster);
  const out: Record<string, { desired: number; up: number; traffic: number }> = {};
  for (const g of c?.serverGroups ?? []) {
    out[g.name] = {
      desired: g.capacity.desired,
      up: g.instances.filter((i) => i.healthState === "Up").length,
      traffic: g.takingTraffic,
    };
  }
  return out;
}

/**
 * The last lines of the supervisor's log and of every instance log, for a failure message: why an
 * instance is not Up (health checks failing, the process ending) is written there.
 */
export function localLogs(repo: Repo, lines = 30): string {
  const dir = join(repo.dir, ".capstan", "local");
  const tail = (file: string) => readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  const parts: string[] = [];
  if (existsSync(join(dir, "supervisor.log")))
    parts.push(`supervisor.log:\n${tail(join(dir, "supervisor.log"))}`);
  const logs = join(dir, "logs");
  for (const name of existsSync(logs) ? readdirSync(logs).sort() : []) {
    const text = tail(join(logs, name));
    if (text) parts.push(`logs/${name}:\n${text}`);
  }
  return parts.join("\n\n");
}

/** Stops the supervisor and every instance, kills leftover CLI processes, removes the folder. */
export async function cleanup(repo: Repo): Promise<void> {
  for (const child of repo.children) if (child.exitCode === null) child.kill("SIGKILL");
  await capstan({ dir: repo.dir, children: [] }, ["local", "down", "--purge"], 30_000).catch(() => undefined);
  // Belt and braces: any instance the state still names is killed by its process group.
  const stateFile = join(repo.dir, ".capstan", "local", "state.json");
  if (existsSync(stateFile)) {
    const state = JSON.parse(readFileSync(stateFile, "utf8")) as {
      clusters: { serverGroups: { instances: { pid?: number }[] }[] }[];
    };
    for (const c of state.clusters)
      for (const g of c.serverGroups) for (const i of g.instances) if (i.pid) killGroup(i.pid);
  }
  const pidFile = join(repo.dir, ".capstan", "local", "supervisor.pid");
  if (existsSync(pidFile)) killGroup(Number(readFileSync(pidFile, "utf8")));
  rmSync(repo.dir, { recursive: true, force: true });
}

function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
}

/** The execution id a waiting `capstan run` printed ("run 'capstan judge <id> <stage> ...'"). */
export function waitingExecution(output: string): string | undefined {
  return /capstan judge (\S+) /.exec(output)?.[1];
}
