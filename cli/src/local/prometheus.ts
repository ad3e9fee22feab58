// The Prometheus `capstan run` starts on loopback when a pipeline's canary analysis says
// `prometheus: local`: Debian's (or any) `prometheus` binary on PATH, on a free 127.0.0.1 port, with
// a temporary storage folder, scraping every instance of the local provider. The targets come from
// `.capstan/local/state.json`, rewritten into a file_sd file whenever the instances change
// (Prometheus watches it). Stopped, by its pid, when the run ends.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  LOCAL_PROMETHEUS_ENV,
  localPaths,
  type Pipeline,
  prometheusConfig,
  type ScrapeState,
  scrapeTargets,
} from "@capstan/core";

export const PROMETHEUS_INSTALL_HINT =
  "install it with 'sudo apt-get install --no-install-recommends prometheus' (Debian, Ubuntu), 'brew install prometheus' (macOS), or put a prometheus binary on PATH (or in CAPSTAN_PROMETHEUS_BIN)";

export interface LocalPrometheus {
  url: string;
  pid?: number;
  /** Where its config, targets and log are (`.capstan/local/prometheus/`). */
  dir: string;
  stop(): Promise<void>;
}

/** True when a stage of the pipeline (or a pipeline it starts, as far as written here) reads `prometheus: local`. */
export function needsLocalPrometheus(pipeline: Pipeline): boolean {
  return pipeline.stages.some((s) => {
    if (s.type !== "canaryAnalysis") return false;
    const p = s.config.prometheus;
    return p === "local" || (typeof p === "object" && p !== null && (p as { url?: unknown }).url === "local");
  });
}

/** The prometheus binary: CAPSTAN_PROMETHEUS_BIN, else `prometheus` on PATH. */
export function findPrometheus(env: Record<string, string | undefined>): string | undefined {
  const configured = env.CAPSTAN_PROMETHEUS_BIN;
  if (configured) return existsSync(configured) ? configured : undefined;
  const r = spawnSync("sh", ["-c", "command -v prometheus"], {
    encoding: "utf8",
    env: env as NodeJS.ProcessEnv,
  });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Writes the file_sd targets from the local provider's state when they changed; returns the text written. */
function syncTargets(
  stateFile: string,
  targetsFile: string,
  previous: string | undefined,
): string | undefined {
  let state: ScrapeState = { clusters: [] };
  try {
    const parsed = JSON.parse(readFileSync(stateFile, "utf8")) as ScrapeState;
    if (Array.isArray(parsed?.clusters)) state = parsed;
  } catch {
    // No state yet (no server group deployed) or being replaced: keep what was written.
    if (previous !== undefined) return previous;
  }
  const text = `${JSON.stringify(scrapeTargets(state), null, 2)}\n`;
  if (text === previous) return previous;
  const tmp = `${targetsFile}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, targetsFile);
  return text;
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * Starts a Prometheus for the repository's local provider, or says why it cannot (not installed:
 * how to install it). `scrapeInterval` defaults to 1s so short canary windows get points.
 */
export async function startLocalPrometheus(
  repository: string,
  env: Record<string, string | undefined>,
  options: { scrapeInterval?: string } = {},
): Promise<{ prometheus: LocalPrometheus } | { error: string }> {
  const binary = findPrometheus(env);
  if (!binary) return { error: `Prometheus is not installed: ${PROMETHEUS_INSTALL_HINT}` };
  const paths = localPaths(repository);
  const dir = join(paths.dir, "prometheus");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const targetsFile = join(dir, "targets.json");
  const configFile = join(dir, "prometheus.yml");
  const logFile = join(dir, "prometheus.log");
  let written = syncTargets(paths.state, targetsFile, undefined);
  if (written === undefined) {
    writeFileSync(targetsFile, "[]\n");
    written = "[]\n";
  }
  writeFileSync(
    configFile,
    prometheusConfig({ targetsFile, scrapeInterval: options.scrapeInterval ?? "1s" }),
  );
  const data = mkdtempSync(join(tmpdir(), "capstan-prometheus-"));
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const log = openSync(logFile, "a");
    const child = spawn(
      binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${data}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--storage.tsdb.retention.time=1d",
        "--web.enable-lifecycle",
      ],
      { stdio: ["ignore", log, log] },
    );
    closeSync(log);
    const url = `http://127.0.0.1:${port}`;
    if (await waitReady(url, child, 15_000)) {
      let last: string | undefined = written;
      const timer = setInterval(() => {
        last = syncTargets(paths.state, targetsFile, last);
      }, 500);
      timer.unref();
      return {
        prometheus: {
          url,
          pid: child.pid,
          dir,
          stop: () => {
            clearInterval(timer);
            return stopChild(child).then(() => rmSync(data, { recursive: true, force: true }));
          },
        },
      };
    }
    await stopChild(child);
    if (attempt >= 3) {
      rmSync(data, { recursive: true, force: true });
      const tail = existsSync(logFile)
        ? readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-5).join("\n")
        : "";
      return { error: `Prometheus (${binary}) did not become ready; its log (${logFile}) ends:\n${tail}` };
    }
  }
}

/** SIGTERM, then SIGKILL after 5 s; resolves when it has exited. */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * For `capstan run`: when the pipeline reads `prometheus: local` (and CAPSTAN_LOCAL_PROMETHEUS_URL
 * does not already name one), starts the local Prometheus and hands its URL to the stages through
 * `services.env`. Undefined when none is needed; `{ error }` (with how to install it) when it
 * cannot start, and then nothing should run.
 */
export async function prometheusForRun(
  pipeline: Pipeline,
  services: { env?: Record<string, string> },
  repository: string,
  say: (text: string) => void,
): Promise<LocalPrometheus | { error: string } | undefined> {
  const env = services.env ?? {};
  if (!needsLocalPrometheus(pipeline) || env[LOCAL_PROMETHEUS_ENV]) return undefined;
  const started = await startLocalPrometheus(repository, env);
  if ("error" in started)
    return { error: `the pipeline's canary analysis uses 'prometheus: local'. ${started.error}` };
  services.env = { ...env, [LOCAL_PROMETHEUS_ENV]: started.prometheus.url };
  say(`Prometheus for the local provider on ${started.prometheus.url} (pid ${started.prometheus.pid})\n`);
  return started.prometheus;
}
