// URL functions in `if` and in preconditions against real local servers, and DNS rebinding: the
// connection goes to the address the URL restrictions checked, not to a later DNS answer.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UrlFetcher } from "../expr/index.js";
import { fetchUrlFetcher, pinnedGet } from "./node-services.js";
import { SpelEvaluator } from "./spel-evaluator.js";
import { runPipeline, statuses } from "./testdata/kit.js";

/** A server answering every path with `body`, counting requests. */
function server(body: (path: string) => string) {
  const requests: string[] = [];
  const s = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    res.end(body(req.url ?? ""));
  });
  return { s, requests };
}

// The honest server on 127.0.0.1 and an attacker's on 127.0.0.2, same port (Linux routes 127/8).
const honest = server((p) => (p === "/app.json" ? '{"ready": true, "region": "eu"}' : "yes"));
const attacker = server(() => '{"ready": false, "region": "attacker"}');
let port = 0;

beforeAll(async () => {
  await new Promise<void>((r) => honest.s.listen(0, "127.0.0.1", r));
  port = (honest.s.address() as AddressInfo).port;
  await new Promise<void>((r) => attacker.s.listen(port, "127.0.0.2", r));
});
afterAll(() => {
  honest.s.close();
  attacker.s.close();
});

/** A resolver that rebinds: a name's first answer is the honest server, every later one the attacker. */
function rebindingResolver() {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    const first = !asked.includes(hostname);
    asked.push(hostname);
    return [first ? "127.0.0.1" : "127.0.0.2"];
  };
  return { asked, resolve };
}

const yaml = (port: number, allowUrls = true) => `
name: urls
expressions: { allowUrls: ${allowUrls}, urlAllowList: ["http://flags.example.com:${port}/", "http://config.example.com:${port}/"] }
stages:
  - id: gated
    type: wait
    duration: 0s
    if: "\${ #fromUrl('http://flags.example.com:${port}/flag') == 'yes' }"
  - id: ready
    type: checkPreconditions
    preconditions:
      - type: expression
        expression: "\${ #jsonFromUrl('http://config.example.com:${port}/app.json').ready }"
  - id: outside
    type: checkPreconditions
    preconditions:
      - { type: expression, expression: "\${ #fromUrl('http://elsewhere.example.org:${port}/x') == 'yes' }", failPipeline: false }
`;

describe("URL functions in if and preconditions, pinned to the checked address", () => {
  it("fetch through the same checks, connect to the checked address, never to a rebound one", async () => {
    const dns = rebindingResolver();
    const before = { honest: honest.requests.length, attacker: attacker.requests.length };
    const r = await runPipeline(yaml(port), {
      expressions: new SpelEvaluator(fetchUrlFetcher({ resolve: dns.resolve })),
      allowLoopbackUrls: true,
    });
    expect(statuses(r)).toEqual({ gated: "SUCCEEDED", ready: "SUCCEEDED", outside: "STOPPED" });
    expect(r.stages[1].context.preconditionResults).toEqual([
      expect.objectContaining({ passed: true, expressionResult: true }),
    ]);
    // Outside the urlAllowList: refused before any lookup.
    expect(r.stages[2].error).toContain("is not under expressions.urlAllowList");
    expect(dns.asked.sort()).toEqual(["config.example.com", "flags.example.com"]);
    expect(honest.requests.slice(before.honest).sort()).toEqual(["/app.json", "/flag"]);
    expect(attacker.requests.length).toBe(before.attacker);
  });

  it("a client that resolves again at connect time would reach the attacker (the resolver does rebind)", async () => {
    const dns = rebindingResolver();
    const unpinned: UrlFetcher = {
      resolve: dns.resolve,
      get: async (url) => pinnedGet(url, await dns.resolve(url.hostname), 5000, 1 << 20),
    };
    const before = attacker.requests.length;
    const r = await runPipeline(yaml(port), {
      expressions: new SpelEvaluator(unpinned),
      allowLoopbackUrls: true,
    });
    expect(r.stages[1].status).toBe("TERMINAL");
    expect(attacker.requests.length).toBe(before + 2);
  });

  it("refuses names that resolve to loopback unless the engine allows loopback URLs", async () => {
    const dns = rebindingResolver();
    const before = honest.requests.length + attacker.requests.length;
    const r = await runPipeline(yaml(port), {
      expressions: new SpelEvaluator(fetchUrlFetcher({ resolve: dns.resolve })),
    });
    expect(r.stages[0].status).toBe("SKIPPED");
    expect(r.stages[1].status).toBe("TERMINAL");
    expect(r.stages[1].error).toContain("resolves to 127.0.0.1, a loopback address; it is not allowed");
    expect(honest.requests.length + attacker.requests.length).toBe(before);
  });

  it("does not fetch when the pipeline does not allow URL functions", async () => {
    const dns = rebindingResolver();
    const r = await runPipeline(yaml(port, false), {
      expressions: new SpelEvaluator(fetchUrlFetcher({ resolve: dns.resolve })),
      allowLoopbackUrls: true,
    });
    expect(r.stages[0].status).toBe("SKIPPED");
    expect(r.stages[1].status).toBe("TERMINAL");
    expect(dns.asked).toEqual([]);
  });

  it("pinnedGet connects to the given address whatever the name, refuses redirects, bounds the body", async () => {
    const url = new URL(`http://no-such-name.example.invalid:${port}/flag`);
    expect(await pinnedGet(url, ["127.0.0.1"], 5000, 1 << 20)).toEqual({ ok: true, body: "yes" });
    expect(await pinnedGet(url, ["127.0.0.1"], 5000, 2)).toMatchObject({ ok: false });
    const redirect = http.createServer((_, res) => {
      res.writeHead(302, { location: "http://169.254.169.254/" });
      res.end();
    });
    await new Promise<void>((r) => redirect.listen(0, "127.0.0.1", r));
    const other = new URL(`http://x.example.com:${(redirect.address() as AddressInfo).port}/`);
    expect(await pinnedGet(other, ["127.0.0.1"], 5000, 1 << 20)).toEqual({ ok: false, error: "HTTP 302" });
    redirect.close();
  });
});
