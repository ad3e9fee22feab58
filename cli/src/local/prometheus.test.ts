// The local Prometheus of `capstan run` with Debian's prometheus: it scrapes what the local
// provider's state lists, labelled with the server group, follows the state as it changes, and
// stops by its pid.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startLocalPrometheus } from "./prometheus.js";

const hasPrometheus = spawnSync("sh", ["-c", "command -v prometheus"]).status === 0;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!hasPrometheus && !process.env.CI)(
  "the local Prometheus (capstan run, prometheus: local)",
  () => {
    it("scrapes the local provider's instances with their server group, follows the state, stops", async () => {
      const repo = mkdtempSync(join(tmpdir(), "capstan-lp-"));
      cleanups.push(() => rmSync(repo, { recursive: true, force: true }));
      const instance: Server = createServer((_req, res) => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("demo_requests_total 7\n");
      });
      await new Promise<void>((r) => instance.listen(0, "127.0.0.1", () => r()));
      cleanups.push(() => new Promise<void>((r) => instance.close(() => r())));
      const port = (instance.address() as { port: number }).port;
      const stateDir = join(repo, ".capstan", "local");
      mkdirSync(stateDir, { recursive: true });
      const state = (instances: { id: string; port: number }[]) =>
        writeFileSync(
          join(stateDir, "state.json"),
          JSON.stringify({
            version: 1,
            clusters: [
              {
                name: "app-prod-canary",
                port: 1,
                serverGroups: [{ name: "app-prod-canary-v000", image: "app:2", instances }],
              },
            ],
          }),
        );
      state([{ id: "app-prod-canary-v000-i0", port }]);

      const started = await startLocalPrometheus(repo, process.env);
      if ("error" in started) throw new Error(started.error);
      const { prometheus } = started;
      cleanups.push(() => prometheus.stop());
      expect(prometheus.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const series = await until("the instance's series", async () => {
        const res = await fetch(
          `${prometheus.url}/api/v1/query?query=${encodeURIComponent("demo_requests_total")}`,
        );
        const body = (await res.json()) as { data: { result: { metric: Record<string, string> }[] } };
        return body.data.result[0]?.metric;
      });
      expect(series).toMatchObject({
        server_group: "app-prod-canary-v000",
        cluster: "app-prod-canary",
        application: "app",
        stack: "prod",
        detail: "canary",
        instance_id: "app-prod-canary-v000-i0",
        image: "app:2",
      });

      // The instance goes away: the targets file follows the state.
      state([]);
      await until("the targets to be emptied", async () =>
        readFileSync(join(prometheus.dir, "targets.json"), "utf8").trim() === "[]" ? true : undefined,
      );

      const pid = prometheus.pid!;
      await prometheus.stop();
      expect(() => process.kill(pid, 0)).toThrow();
    });
  },
);
