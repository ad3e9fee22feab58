// Process-backed pods: containers run as local processes on loopback ports, Endpoints point at
// them, and the Service proxy moves real traffic. A Spinnaker-style red/black (two versioned
// ReplicaSets behind one Service, traffic moved by removing the Service's selector label from the
// old ReplicaSet's template and pods, as clouddriver's disableManifest does) loses no request.
import { request } from "node:http";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { bind, doublePerTest, KUBECTLS, until } from "./kit.js";
import type { Endpoints, Job, Pod } from "./types.js";

const APP = resolve(import.meta.dirname, "../../examples/app/server.js");
const start = doublePerTest();

function replicaSet(version: string, serving: boolean): string {
  return JSON.stringify({
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: `web-${version}`, labels: { app: "web", version } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web", version } },
      template: {
        metadata: { labels: { app: "web", version, ...(serving ? { serving: "true" } : {}) } },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [
            {
              name: "web",
              image: `web:${version}`,
              command: ["node", APP],
              env: [{ name: "CAPSTAN_IMAGE", value: version }],
              ports: [{ name: "http", containerPort: 8080 }],
              readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  });
}

const SERVICE = JSON.stringify({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web" },
  spec: {
    selector: { app: "web", serving: "true" },
    ports: [{ name: "http", port: 80, targetPort: "http" }],
  },
});

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise) => {
    const req = request(url, { agent: false, timeout: 5000 }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString("utf8");
      });
      res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, body }));
      res.on("error", () => resolvePromise({ status: 0, body: "" }));
    });
    req.on("error", () => resolvePromise({ status: 0, body: "" }));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

/** Sends requests back to back (bounded in count and time) and tallies who answered. */
function load(url: string, maxMs: number) {
  const tally = { ok: 0, failed: 0, byVersion: {} as Record<string, number>, last: "" };
  let stopped = false;
  const done = (async () => {
    const end = Date.now() + maxMs;
    for (let i = 0; i < 20_000 && !stopped && Date.now() < end; i++) {
      const r = await get(url);
      if (r.status === 200) {
        tally.ok++;
        const v = (JSON.parse(r.body) as { image: string }).image;
        tally.byVersion[v] = (tally.byVersion[v] ?? 0) + 1;
        tally.last = v;
      } else tally.failed++;
    }
  })();
  return {
    tally,
    async stop() {
      stopped = true;
      await done;
      return tally;
    },
  };
}

describe.each(KUBECTLS)("process runtime, kubectl $name", (k) => {
  test("red/black behind a Service moves real traffic with no failed request", async () => {
    const d = await start({ runtime: "process" });
    const kubectl = bind(k, d);
    await kubectl.raw(["apply", "-f", "-"], SERVICE);
    const v0 = await kubectl.raw(["apply", "-f", "-"], replicaSet("v000", true));
    expect(v0.stderr).toBe("");
    await kubectl("wait", "--for=jsonpath={.status.readyReplicas}=2", "replicaset/web-v000", "--timeout=30s");
    const url = await d.serviceUrl("default", "web");
    await until(
      "v000 behind the service",
      () => (d.get("Endpoints", "default", "web") as Endpoints | undefined)?.subsets?.length === 2,
    );
    const traffic = load(url, 60_000);
    await until("traffic on v000", () => traffic.tally.ok > 20);

    // Red/black: v001 joins the Service, then v000's template and pods lose the selector label.
    await kubectl.raw(["apply", "-f", "-"], replicaSet("v001", true));
    await kubectl("wait", "--for=jsonpath={.status.readyReplicas}=2", "replicaset/web-v001", "--timeout=30s");
    await until("both versions serving", () => (traffic.tally.byVersion.v001 ?? 0) > 5);
    const disable = '[{"op":"remove","path":"/spec/template/metadata/labels/serving"}]';
    await kubectl("patch", "replicaset", "web-v000", "--type", "json", "-p", disable);
    const pods = (d.list("Pod", "default") as Pod[]).filter((p) => p.metadata.labels?.version === "v000");
    for (const p of pods)
      await kubectl(
        "patch",
        "pod",
        p.metadata.name ?? "",
        "--type",
        "json",
        "-p",
        '[{"op":"remove","path":"/metadata/labels/serving"}]',
      );
    // A request routed before the last patch may still be answered by v000; after it, none is.
    const okNow = traffic.tally.ok;
    await until("the in-flight request answered", () => traffic.tally.ok >= okNow + 2);
    const afterDisable = { ...traffic.tally.byVersion };
    await until(
      "only v001 answering",
      () => (traffic.tally.byVersion.v001 ?? 0) > (afterDisable.v001 ?? 0) + 30,
    );
    expect(traffic.tally.byVersion.v000 ?? 0).toBe(afterDisable.v000 ?? 0);
    // Highlander: the disabled version goes; its pods are terminated gracefully.
    await kubectl("delete", "replicaset", "web-v000");
    await until(
      "v000 pods gone",
      () => (d.list("Pod", "default") as Pod[]).every((p) => p.metadata.labels?.version !== "v000"),
      30_000,
    );
    const final = await traffic.stop();
    expect(final.failed).toBe(0);
    expect(final.last).toBe("v001");
    expect(final.ok).toBeGreaterThan(80);
    expect(d.serviceStats("default", "web")?.failed).toBe(0);
    const ep = d.get("Endpoints", "default", "web") as Endpoints;
    expect(ep.subsets?.flatMap((s) => s.addresses ?? []).map((a) => a.ip)).toEqual([
      "127.0.0.1",
      "127.0.0.1",
    ]);
  }, 120_000);

  test("a Job runs its command, kubectl logs and wait see it; a failing one hits its backoffLimit", async () => {
    const d = await start({ runtime: "process" });
    const kubectl = bind(k, d);
    const job = (name: string, script: string, backoffLimit: number) =>
      JSON.stringify({
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name },
        spec: {
          backoffLimit,
          template: {
            spec: {
              restartPolicy: "Never",
              containers: [{ name: "main", image: "busybox:1.36", command: ["sh", "-c", script] }],
            },
          },
        },
      });
    await kubectl.raw(["apply", "-f", "-"], job("hello", "echo hello from $(HOSTNAME); echo done", 1));
    await kubectl("wait", "--for=condition=complete", "job/hello", "--timeout=30s");
    const logs = await kubectl("logs", "job/hello");
    expect(logs).toMatch(/^hello from hello-[a-z0-9]{5}\ndone\n$/);
    expect((d.get("Job", "default", "hello") as Job).status).toMatchObject({ succeeded: 1 });

    // logs -f streams until the container ends.
    await kubectl.raw(
      ["apply", "-f", "-"],
      job("ticker", "for i in 1 2 3; do echo tick $i; sleep 0.3; done", 0),
    );
    await until("the ticker pod running", () =>
      (d.list("Pod", "default") as Pod[]).some(
        (p) => p.metadata.labels?.["job-name"] === "ticker" && p.status?.phase === "Running",
      ),
    );
    expect(await kubectl("logs", "-f", "job/ticker")).toBe("tick 1\ntick 2\ntick 3\n");

    await kubectl.raw(["apply", "-f", "-"], job("fails", "echo failing; exit 3", 1));
    await kubectl("wait", "--for=condition=failed", "job/fails", "--timeout=30s");
    const failed = d.get("Job", "default", "fails") as Job;
    expect(failed.status?.failed).toBe(2);
    expect(failed.status?.conditions?.find((c) => c.type === "Failed")).toMatchObject({
      status: "True",
      reason: "BackoffLimitExceeded",
    });
    const events = await kubectl(
      "get",
      "events",
      "--field-selector",
      "involvedObject.name=fails",
      "-o",
      'jsonpath={range .items[*]}{.reason}{"\\n"}{end}',
    );
    expect(events.split("\n")).toContain("BackoffLimitExceeded");
    void join;
  }, 90_000);
});
