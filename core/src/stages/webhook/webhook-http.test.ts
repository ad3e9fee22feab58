// The webhook stage's connection: bodies are bounded (issue 18 item 3), the request goes to the
// address the URL restrictions checked and a failed check lookup sends nothing (item 6); Orca's
// statusUrlJsonPath and retry-limit details (issue 16 item 3).
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { fetchHttpClient } from "../../engine/node-services.js";
import type { HttpClient, HttpRequest } from "../../engine/services.js";
import { HttpTransportError } from "../../engine/services.js";
import { runPipeline, TableEvaluator } from "../../engine/testdata/kit.js";
import { validatePipelineText } from "../../validate/index.js";

const expressions = new TableEvaluator({});
const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

async function listen(handler: http.RequestListener, host = "127.0.0.1", port = 0): Promise<number> {
  const srv = http.createServer(handler);
  await new Promise<void>((r) => srv.listen(port, host, r));
  closers.push(() => {
    srv.closeAllConnections();
    srv.close();
  });
  return (srv.address() as AddressInfo).port;
}

describe("webhook response bodies are bounded", () => {
  it("a body over 10 MiB fails the stage with a clear error", async () => {
    const port = await listen((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("x".repeat(11 << 20));
    });
    const r = await runPipeline(
      `name: p\nstages:\n  - { id: h, type: webhook, url: "http://127.0.0.1:${port}/hook" }\n`,
      { http: fetchHttpClient, allowLoopbackUrls: true, expressions },
    );
    expect(r.stages[0].status).toBe("TERMINAL");
    expect(r.stages[0].error).toContain("larger than 10 MiB");
  });

  it("an endless body is cut at the limit, quickly", async () => {
    const port = await listen((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      const chunk = "y".repeat(1 << 16);
      const pump = () => {
        while (res.write(chunk)) {}
        res.once("drain", pump);
      };
      pump();
    });
    const started = Date.now();
    await expect(
      fetchHttpClient.request({ method: "GET", url: `http://127.0.0.1:${port}/`, headers: {} }),
    ).rejects.toThrow(/larger than 10 MiB/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("a body that trickles is ended by the whole-request timeout", async () => {
    const port = await listen((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write("."), 100);
      res.on("close", () => clearInterval(timer));
    });
    const started = Date.now();
    const error = await fetchHttpClient
      .request({ method: "GET", url: `http://127.0.0.1:${port}/`, headers: {}, timeoutMs: 800 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpTransportError);
    expect((error as HttpTransportError).kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe("the node client connects to the checked addresses", () => {
  it("connects to the given address whatever DNS says about the name", async () => {
    const port = await listen((req, res) => res.end(`host=${req.headers.host}`));
    const res = await fetchHttpClient.request({
      method: "GET",
      url: `http://no-such-name.example.invalid:${port}/`,
      headers: {},
      addresses: ["127.0.0.1"],
    });
    expect(res).toMatchObject({ status: 200, body: `host=no-such-name.example.invalid:${port}` });
  });
});

/** A client whose DNS rebinds (first answer public, later ones the metadata address) and records where it connected. */
function rebindingClient(fail = false) {
  const lookups: string[] = [];
  const connected: string[] = [];
  const lookup = async (hostname: string) => {
    lookups.push(hostname);
    if (fail) throw new HttpTransportError("unknown-host", `getaddrinfo ENOTFOUND ${hostname}`);
    return [lookups.length === 1 ? "93.184.216.34" : "169.254.169.254"];
  };
  const client: HttpClient = {
    lookup,
    async request(req: HttpRequest) {
      const address = req.addresses?.[0] ?? (await lookup(new URL(req.url).hostname))[0];
      connected.push(address);
      return { status: 200, headers: {}, body: "{}" };
    },
  };
  return { client, lookups, connected };
}

describe("webhook URL checks", () => {
  it("the request goes to the address that was checked, not to a second DNS answer", async () => {
    const net = rebindingClient();
    const r = await runPipeline(
      `name: p\nstages:\n  - { id: h, type: webhook, url: "https://hooks.example.com/x" }\n`,
      { http: net.client, expressions },
    );
    expect(r.stages[0].status).toBe("SUCCEEDED");
    expect(net.connected).toEqual(["93.184.216.34"]);
    expect(net.lookups).toEqual(["hooks.example.com"]);
  });

  it("a failed check lookup sends nothing (the create task retries, as for an unknown host)", async () => {
    const net = rebindingClient(true);
    const r = await runPipeline(
      `name: p\nstages:\n  - { id: h, type: webhook, url: "https://hooks.example.com/x" }\n`,
      { http: net.client, expressions },
    );
    expect(r.stages[0].status).toBe("TERMINAL");
    expect(r.stages[0].error).toContain("could not resolve hooks.example.com");
    expect(net.connected).toEqual([]);
  });

  it("names resolving to loopback are refused unless loopback URLs are allowed", async () => {
    const port = await listen((_req, res) => res.end("{}"));
    const client: HttpClient = { ...fetchHttpClient, lookup: async () => ["127.0.0.1"] };
    const yaml = `name: p\nstages:\n  - { id: h, type: webhook, url: "http://hook.example.com:${port}/x" }\n`;
    const refused = await runPipeline(yaml, { http: client, expressions });
    expect(refused.stages[0].error).toContain("resolves to 127.0.0.1, a loopback address");
    const allowed = await runPipeline(yaml, { http: client, expressions, allowLoopbackUrls: true });
    expect(allowed.stages[0].status).toBe("SUCCEEDED");
  });
});

describe("Orca's status URL and retry details", () => {
  async function statusServer(routes: Record<string, { status: number; body: unknown }[]>) {
    const seen: string[] = [];
    const counts = new Map<string, number>();
    const port = await listen((req, res) => {
      const path = req.url ?? "/";
      seen.push(path);
      const list = routes[path] ?? [{ status: 404, body: {} }];
      const n = counts.get(path) ?? 0;
      counts.set(path, n + 1);
      const reply = list[Math.min(n, list.length - 1)];
      res.writeHead(reply.status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(reply.body));
    });
    return { base: `http://127.0.0.1:${port}`, seen };
  }

  it.each([
    ["a list", ["/a", "/b"]],
    ["a number", 7],
    ["a map", { href: "/s" }],
  ])("a statusUrlJsonPath resolving to %s fails the stage TERMINAL without polling", async (_what, value) => {
    const s = await statusServer({ "/hook": [{ status: 200, body: { links: value } }] });
    const r = await runPipeline(
      `name: p
stages:
  - id: h
    type: webhook
    url: "${s.base}/hook"
    waitForCompletion: true
    statusUrlResolution: webhookResponse
    statusUrlJsonPath: "$.links"
    statusJsonPath: "$.state"
    successStatuses: DONE
`,
      { http: fetchHttpClient, allowLoopbackUrls: true, expressions },
    );
    expect(r.stages[0].status).toBe("TERMINAL");
    expect(r.stages[0].error).toContain("statusUrlJsonPath $.links resolved to");
    expect(s.seen).toEqual(["/hook"]);
  });

  const limited = (base: string, retries: string) => `name: p
stages:
  - id: h
    type: webhook
    url: "${base}/hook"
    waitForCompletion: true
    statusUrlResolution: webhookResponse
    statusUrlJsonPath: "$.s"
    statusJsonPath: "$.state"
    successStatuses: DONE
    retries: ${retries}
`;

  it("retries with maxAttempts: 0 are valid and fail the first such status at once", async () => {
    const s = await statusServer({
      "/hook": [{ status: 200, body: { s: "/s" } }],
      "/s": [{ status: 504, body: {} }],
    });
    const yaml = limited(s.base, `{ "504": { maxAttempts: 0 } }`);
    expect(validatePipelineText(yaml, "p.yml").diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const r = await runPipeline(yaml, { http: fetchHttpClient, allowLoopbackUrls: true, expressions });
    expect(r.stages[0].status).toBe("TERMINAL");
    expect(s.seen).toEqual(["/hook", "/s"]);
    const monitor = (r.stages[0].context.webhook as { monitor: Record<string, unknown> }).monitor;
    expect(monitor.pastStatusCodes).toBeUndefined();
  });

  it("the status code that ended the retries is not added to pastStatusCodes", async () => {
    const s = await statusServer({
      "/hook": [{ status: 200, body: { s: "/s" } }],
      "/s": [{ status: 404, body: {} }],
    });
    const r = await runPipeline(limited(s.base, `{ "404": { maxAttempts: 2 } }`), {
      http: fetchHttpClient,
      allowLoopbackUrls: true,
      expressions,
    });
    expect(r.stages[0].status).toBe("TERMINAL");
    expect(s.seen).toEqual(["/hook", "/s", "/s", "/s"]);
    const monitor = (r.stages[0].context.webhook as { monitor: Record<string, unknown> }).monitor;
    expect(monitor.pastStatusCodes).toEqual([404, 404]);
  });
});
