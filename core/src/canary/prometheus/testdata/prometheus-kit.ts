// A real Prometheus for tests (not part of the build: testdata/ is excluded): Debian's `prometheus`
// on 127.0.0.1, on a free port, with a temporary storage folder, optionally backfilled with
// `promtool tsdb create-blocks-from openmetrics` so the tests never wait on the clock. Installed by
// scripts/install-prometheus.sh; stopped (by its pid) and its folder removed by `stop()`.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestPrometheus {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** Where the binaries are, or undefined with the install hint. */
export function prometheusBinaries(): { prometheus: string; promtool: string } | undefined {
  const find = (name: string) => {
    const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const prometheus = find("prometheus");
  const promtool = find("promtool");
  return prometheus && promtool ? { prometheus, promtool } : undefined;
}

export const INSTALL_HINT =
  "Prometheus is not installed: run scripts/install-prometheus.sh (as root) or apt-get install prometheus";

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
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

/** One OpenMetrics gauge sample line. */
export interface Sample {
  metric: string;
  labels: Record<string, string>;
  /** Epoch ms. */
  time: number;
  value: number;
}

/** OpenMetrics text for `promtool tsdb create-blocks-from openmetrics` (gauges, sorted by time). */
export function openMetrics(samples: readonly Sample[]): string {
  const byMetric = new Map<string, Sample[]>();
  for (const s of samples) byMetric.set(s.metric, [...(byMetric.get(s.metric) ?? []), s]);
  const lines: string[] = [];
  for (const [metric, list] of byMetric) {
    lines.push(`# TYPE ${metric} gauge`);
    for (const s of [...list].sort((a, b) => a.time - b.time)) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(",");
      const value = Number.isNaN(s.value) ? "NaN" : String(s.value);
      lines.push(`${metric}${labels ? `{${labels}}` : ""} ${value} ${(s.time / 1000).toFixed(3)}`);
    }
  }
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}

/** Starts Prometheus (after backfilling `samples`, if any) and waits until it is ready. */
export async function startTestPrometheus(samples: readonly Sample[] = []): Promise<TestPrometheus> {
  const bins = prometheusBinaries();
  if (!bins) throw new Error(INSTALL_HINT);
  const dir = mkdtempSync(join(tmpdir(), "capstan-prom-"));
  const data = join(dir, "data");
  if (samples.length > 0) {
    const file = join(dir, "history.om");
    writeFileSync(file, openMetrics(samples));
    const r = spawnSync(bins.promtool, ["tsdb", "create-blocks-from", "openmetrics", file, data], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`promtool backfill failed: ${r.stderr || r.stdout}`);
  }
  const config = join(dir, "prometheus.yml");
  writeFileSync(config, "global:\n  scrape_interval: 1s\nscrape_configs: []\n");
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      bins.prometheus,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${data}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--storage.tsdb.retention.time=100y",
        "--log.level=warn",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let log = "";
    child.stderr?.setEncoding("utf8").on("data", (t: string) => {
      log += t;
    });
    const url = `http://127.0.0.1:${port}`;
    const ready = await waitReady(url, child);
    if (ready) return { url, port, dir, stop: () => stop(child, dir) };
    await stop(child, undefined);
    if (attempt >= 2) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`prometheus did not become ready: ${log.slice(-2000)}`);
    }
  }
}

async function waitReady(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
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

function stop(child: ChildProcess, dir: string | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      done();
    });
    child.kill("SIGTERM");
  });
}
