import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { fetchHttpClient } from "../../engine/node-services.js";
import { runPipeline, statuses, TableEvaluator } from "../../engine/testdata/kit.js";
import { readJsonPath } from "./json-path.js";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

/** A local HTTP server answering each path from a script (the last reply repeats). */
async function server(
  routes: Record<string, Reply[]>,
): Promise<{ base: string; seen: Seen[]; close(): void }> {
  const seen: Seen[] = [];
  const counters = new Map<string, number>();
  const srv = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0];
      seen.push({ method: req.method ?? "", url: path, headers: req.headers, body });
      const list = routes[path] ?? [{ status: 404 }];
      const n = counters.get(path) ?? 0;
      counters.set(path, n + 1);
      const reply = list[Math.min(n, list.length - 1)];
      const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body ?? {});
      res.writeHead(reply.status, { "Content-Type": "application/json", ...reply.headers });
      res.end(text);
    });
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, seen, close: () => srv.close() };
}

let closeServer: (() => void) | undefined;
afterEach(() => closeServer?.());

const expressions = new TableEvaluator({});
const services = { http: fetchHttpClient, allowLoopbackUrls: true, expressions };

async function run(routes: Record<string, Reply[]>, stage: (base: string) => string, extra = "") {
  const s = await server(routes);
  closeServer = s.close;
  const record = await runPipeline(`name: p\nstages:\n${stage(s.base)}${extra}`, services);
  return { record, seen: s.seen, stage: record.stages[0] };
}

describe("webhook create", () => {
  it("retries 5xx and 429 every 10 s, then succeeds; records the response in context.webhook", async () => {
    const { stage, seen } = await run(
      { "/hook": [{ status: 503 }, { status: 429 }, { status: 201, body: { id: 7 } }] },
      (b) =>
        `  - { id: h, type: webhook, url: "${b}/hook", customHeaders: { X-Token: abc, X-SPINNAKER-USER: eve }, payload: { a: 1 } }\n`,
    );
    expect(stage.status).toBe("SUCCEEDED");
    expect(seen).toHaveLength(3);
    expect(seen[0]).toMatchObject({ method: "POST", body: '{"a":1}' });
    expect(seen[0].headers["x-token"]).toBe("abc");
    expect(seen[0].headers["x-spinnaker-user"]).toBeUndefined();
    expect(stage.endTime! - stage.startTime!).toBe(20_000);
    expect(stage.context.webhook).toMatchObject({ statusCode: 201, body: { id: 7 } });
  });

  it("fail-fast codes (default 504) and other 4xx are TERMINAL at once", async () => {
    for (const status of [504, 404]) {
      const { stage, seen } = await run(
        { "/hook": [{ status }] },
        (b) => `  - { id: h, type: webhook, url: "${b}/hook" }\n`,
      );
      expect(stage.status).toBe("TERMINAL");
      expect(seen).toHaveLength(1);
      closeServer?.();
    }
  });

  it("gives up after 5 minutes of retries", async () => {
    const { stage, seen } = await run(
      { "/hook": [{ status: 500 }] },
      (b) => `  - { id: h, type: webhook, url: "${b}/hook" }\n`,
    );
    expect(stage.status).toBe("TERMINAL");
    expect(stage.error).toMatch(/gave up after 5 minutes/);
    expect(seen.length).toBeGreaterThanOrEqual(30);
    expect(seen.length).toBeLessThanOrEqual(31);
  });

  it("refuses loopback URLs unless the engine allows them", async () => {
    const s = await server({ "/hook": [{ status: 200 }] });
    closeServer = s.close;
    const r = await runPipeline(`name: p\nstages:\n  - { id: h, type: webhook, url: "${s.base}/hook" }\n`, {
      http: fetchHttpClient,
      expressions,
    });
    expect(r.stages[0].status).toBe("TERMINAL");
    expect(r.stages[0].error).toMatch(/webhook URL refused: Literal IP addresses/);
    expect(s.seen).toHaveLength(0);
  });
});

describe("webhook monitor", () => {
  it("Location header, status mapping (case-insensitive), progress, unknown keeps polling", async () => {
    const { stage, seen } = await run(
      {
        "/hook": [{ status: 202, headers: { Location: "/status/1" } }],
        "/status/1": [
          { status: 200, body: { state: "queued", msg: "waiting" } },
          { status: 503 },
          { status: 200, body: { state: "running", msg: "half" } },
          { status: 200, body: { state: "Done", msg: "all" } },
        ],
      },
      (b) => `  - id: h
    type: webhook
    url: "${b}/hook"
    waitForCompletion: true
    statusUrlResolution: locationHeader
    statusJsonPath: $.state
    progressJsonPath: $.msg
    successStatuses: "done, ok"
    terminalStatuses: failed
`,
    );
    expect(stage.status).toBe("SUCCEEDED");
    expect(seen.map((s) => s.url)).toEqual(["/hook", "/status/1", "/status/1", "/status/1", "/status/1"]);
    expect(stage.context.webhook).toMatchObject({
      statusCode: 202,
      statusEndpoint: expect.stringMatching(/\/status\/1$/),
      monitor: { resolvedValue: "Done", progressMessage: "all", pastStatusCodes: [503] },
    });
    // Monitor polls every second in its first minute.
    expect(stage.endTime! - stage.startTime!).toBe(3000);
  });

  it("a terminal status fails the stage and calls the cancel endpoint", async () => {
    const { stage, seen, record } = await run(
      {
        "/hook": [{ status: 200, body: { links: { status: "/s" } } }],
        "/s": [{ status: 200, body: { state: "FAILED" } }],
        "/cancel": [{ status: 200 }],
      },
      (b) => `  - id: h
    type: webhook
    url: "${b}/hook"
    waitForCompletion: true
    statusUrlResolution: webhookResponse
    statusUrlJsonPath: "$.links.status"
    statusJsonPath: "$['state']"
    successStatuses: [SUCCESS]
    terminalStatuses: [FAILED]
    cancelEndpoint: "${b}/cancel"
    cancelPayload: { why: stop }
    onFailure: haltBranch
`,
    );
    expect(stage.status).toBe("STOPPED");
    expect(stage.error).toBe("webhook status is FAILED");
    expect(seen.at(-1)).toMatchObject({ method: "POST", url: "/cancel", body: '{"why":"stop"}' });
    expect(record.status).toBe("SUCCEEDED");
  });

  it("a number is percent complete; 100 succeeds; waitBeforeMonitor delays the first poll", async () => {
    const { stage, seen } = await run(
      {
        "/hook": [{ status: 200, headers: { Location: "/p" } }],
        "/p": [
          { status: 200, body: { pct: 40 } },
          { status: 200, body: { pct: 100 } },
        ],
      },
      (b) =>
        `  - { id: h, type: webhook, url: "${b}/hook", waitForCompletion: true, statusUrlResolution: locationHeader, statusJsonPath: $.pct, waitBeforeMonitor: 5s }\n`,
    );
    expect(stage.status).toBe("SUCCEEDED");
    expect(seen.map((x) => x.url)).toEqual(["/hook", "/p", "/p"]);
    expect(stage.endTime! - stage.startTime!).toBe(6000);
    expect(stage.context.webhook).toMatchObject({ monitor: { percentComplete: 100 } });
  });

  it("without statusJsonPath any successful status response succeeds; a missing path is TERMINAL", async () => {
    const { stage } = await run(
      { "/hook": [{ status: 200, body: { other: 1 } }] },
      (b) =>
        `  - { id: h, type: webhook, url: "${b}/hook", waitForCompletion: true, statusJsonPath: $.pct }\n`,
    );
    expect(stage.status).toBe("TERMINAL");
    expect(stage.error).toMatch(/statusJsonPath \$\.pct was not found/);
  });

  it("monitorOnly polls the status endpoint until 100 %", async () => {
    const { stage, seen } = await run(
      {
        "/p": [
          { status: 200, body: { pct: 40 } },
          { status: 200, body: { pct: 100 } },
        ],
      },
      (b) =>
        `  - { id: h, type: webhook, url: "${b}/p", monitorOnly: true, waitForCompletion: true, statusJsonPath: $.pct }\n`,
    );
    expect(stage.status).toBe("SUCCEEDED");
    expect(seen).toHaveLength(2);
    expect(stage.context.webhook).toMatchObject({ monitor: { percentComplete: 100 } });
  });

  it("a halted pipeline cancels a monitoring webhook and calls its cancel endpoint", async () => {
    const s = await server({
      "/s": [{ status: 200, body: { state: "RUNNING" } }],
      "/cancel": [{ status: 204 }],
    });
    closeServer = s.close;
    const r = await runPipeline(
      `name: p
stages:
  - { id: h, type: webhook, url: "${s.base}/s", waitForCompletion: true, statusJsonPath: $.state, successStatuses: DONE, cancelEndpoint: "${s.base}/cancel", cancelMethod: delete }
  - { id: pause, type: wait, duration: 5s }
  - { id: boom, type: checkPreconditions, dependsOn: [pause], preconditions: [{ type: expression, expression: "\${ false }" }] }
`,
      { ...services, expressions: new TableEvaluator({ false: () => false }) },
    );
    expect(statuses(r)).toEqual({ h: "CANCELED", pause: "SUCCEEDED", boom: "TERMINAL" });
    expect(r.status).toBe("TERMINAL");
    expect(s.seen.at(-1)).toMatchObject({ method: "DELETE", url: "/cancel" });
  });
});

describe("JsonPath subset", () => {
  const doc = { a: { b: [{ c: 1 }, { c: 2 }] }, "x y": true };
  it.each([
    ["$.a.b[1].c", { found: true, value: 2 }],
    ["$['x y']", { found: true, value: true }],
    ["$.a.b[*].c", { found: true, value: [1, 2] }],
    ["$..c", { found: true, value: [1, 2] }],
    ["a.b[0].c", { found: true, value: 1 }],
    ["$.nope", { found: false }],
  ])("%s", (path, expected) => {
    expect(readJsonPath(doc, path)).toEqual(expected);
  });
});
