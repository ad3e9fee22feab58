// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${ }` is the syntax this module handles.
import { describe, expect, it } from "vitest";
import {
  checkUrlAllowed,
  createEvaluationContext,
  evaluateExpression,
  evaluateTemplate,
  evaluateTree,
  evaluateTreeWithUrls,
  type UrlFetcher,
} from "./index.js";

describe("sandbox", () => {
  it("never calls getters or functions and drops host objects", () => {
    let getterCalls = 0;
    const root = {
      plain: 1,
      fn: () => "called",
      get secret() {
        getterCalls++;
        return "leaked";
      },
      date: new Date(0),
      map: new Map([["a", 1]]),
      instance: new (class Thing {
        x = 1;
      })(),
      nested: { ok: true, fn() {} },
    };
    const ctx = createEvaluationContext({ root });
    for (const expr of ["secret", "fn", "date", "map", "instance", "nested.fn", "#root['secret']"])
      expect(evaluateExpression(expr, ctx)).toEqual({ ok: true, value: null, pendingUrls: [] });
    expect(evaluateExpression("#root.keySet()", ctx)).toEqual({
      ok: true,
      value: ["plain", "date", "map", "instance", "nested"],
      pendingUrls: [],
    });
    expect(getterCalls).toBe(0);
  });

  it("survives proxies whose traps throw", () => {
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error("trap");
        },
        ownKeys() {
          throw new Error("trap");
        },
      },
    );
    const ctx = createEvaluationContext({ root: { ok: 1, hostile } });
    expect(evaluateExpression("hostile", ctx)).toEqual({ ok: true, value: null, pendingUrls: [] });
    expect(evaluateTree({ a: "${ ok }", hostile }, ctx).summary[""][0].exceptionType).toBe("InternalError");
  });

  it("reads stage views without invoking their getters", () => {
    let calls = 0;
    const stage = {
      id: "s",
      name: "S",
      type: "wait",
      status: "SUCCEEDED",
      context: {
        get boom() {
          calls++;
          return 1;
        },
        ok: 2,
      },
    };
    const ctx = createEvaluationContext({ root: {}, host: { stages: () => [stage] } });
    expect(evaluateExpression("#stage('S').context.keySet()", ctx)).toEqual({
      ok: true,
      value: ["ok"],
      pendingUrls: [],
    });
    expect(calls).toBe(0);
  });

  it("keeps __proto__ keys as data everywhere and pollutes nothing", () => {
    const ctx = createEvaluationContext({ root: JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}') });
    expect(evaluateExpression("#root['__proto__'].polluted", ctx)).toEqual({
      ok: true,
      value: 1,
      pendingUrls: [],
    });
    const tree = JSON.parse('{"${ \'__proto__\' }": {"polluted": "${ 1 + 1 }"}}');
    const out = evaluateTree(tree, ctx).value as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const value = evaluateExpression("{__proto__: 1}", ctx);
    expect(value.ok && Object.hasOwn(value.value as object, "__proto__")).toBe(true);
  });

  it("stops runaway evaluation with a clear error", () => {
    const ctx = createEvaluationContext({ root: {}, limits: { maxSteps: 50, maxStringLength: 100 } });
    expect(evaluateExpression("{1,2,3,4,5,6,7,8}.![{1,2,3,4,5,6,7,8}.![#this]]", ctx)).toMatchObject({
      ok: false,
      exceptionType: "LimitExceeded",
      message: "The expression exceeded its budget of 50 operations; simplify it.",
    });
    expect(evaluateExpression("'a' * 101", ctx)).toMatchObject({
      ok: false,
      message: "The expression would build a string of 101 characters; the limit is 100.",
    });
  });
});

describe("templates and trees", () => {
  const ctx = createEvaluationContext({ root: { x: "q", n: 2 }, now: () => 1700 });

  it("records Orca-shaped summary entries with the injected clock", () => {
    // One key per string (the text without its delimiters); a null part goes back as ${expr}.
    expect(evaluateTemplate("a-${ x }-${ nope }", ctx)).toEqual({
      value: "a-q-${nope}",
      summary: {
        "a-x-nope": [
          {
            description: "Failed to evaluate [a-x-nope]: it resolved to null, so the text was kept.",
            level: "INFO",
            timestamp: 1700,
          },
        ],
      },
      pendingUrls: [],
    });
    // Any failing part leaves the whole string as it was.
    expect(evaluateTemplate("a-${ x }-${ nope }-${ 1/0 }", ctx)).toEqual({
      value: "a-${ x }-${ nope }-${ 1/0 }",
      summary: {
        "a-x-nope-1/0": [
          {
            description: "Failed to evaluate [a-x-nope-1/0]: / by zero",
            exceptionType: "ArithmeticException",
            level: "ERROR",
            timestamp: 1700,
          },
        ],
      },
      pendingUrls: [],
    });
  });

  it("evaluates a whole tree, map keys included, keeping other values", () => {
    const tree = { "${ x }-key": ["${ n }", "n=${ n }", 3, true, null, { deep: "${ n * 2 }" }], plain: "no" };
    expect(evaluateTree(tree, ctx)).toEqual({
      value: { "q-key": [2, "n=2", 3, true, null, { deep: 4 }], plain: "no" },
      summary: {},
      pendingUrls: [],
    });
  });
});

describe("URL functions", () => {
  const fetcher = (addresses: Record<string, string[]>, bodies: Record<string, string>): UrlFetcher => ({
    resolve: async (host) => addresses[host] ?? [],
    get: async (url) => ({ ok: true, body: bodies[url.href] ?? "" }),
  });

  it("fetches what evaluation asked for, then evaluates again", async () => {
    const ctx = createEvaluationContext({ root: {}, urls: { enabled: true } });
    const tree = { env: "${ #jsonFromUrl('https://config.example.com/c.json').env }" };
    const first = evaluateTree(tree, ctx);
    expect(first.pendingUrls).toEqual(["https://config.example.com/c.json"]);
    const result = await evaluateTreeWithUrls(
      tree,
      ctx,
      fetcher(
        { "config.example.com": ["93.184.215.14"] },
        { "https://config.example.com/c.json": '{"env":"prod"}' },
      ),
    );
    expect(result).toEqual({ value: { env: "prod" }, summary: {}, pendingUrls: [] });
  });

  it("refuses hosts that resolve to private addresses", async () => {
    const ctx = createEvaluationContext({ root: {}, urls: { enabled: true } });
    const result = await evaluateTreeWithUrls(
      "${ #fromUrl('https://rebind.example.com/') }",
      ctx,
      fetcher({ "rebind.example.com": ["10.0.0.5"] }, {}),
    );
    expect(result.value).toBe("${ #fromUrl('https://rebind.example.com/') }");
    expect(result.summary["#fromUrl('https://rebind.example.com/')"][0].description).toBe(
      "Failed to evaluate [#fromUrl('https://rebind.example.com/')]: Fetching https://rebind.example.com/ failed: 'rebind.example.com' resolves to 10.0.0.5, a private address; it is not allowed.",
    );
  });
});

describe("checkUrlAllowed", () => {
  const reason = (url: string, addresses: string[] = [], policy = {}) => {
    const v = checkUrlAllowed(url, addresses, policy);
    return v.allowed ? "allowed" : v.reason;
  };

  it("allows public https and http hosts", () => {
    expect(
      reason("https://config.example.com/a.json", [
        "93.184.215.14",
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
      ]),
    ).toBe("allowed");
  });

  it("applies the static rules", () => {
    expect(reason("relative/path")).toBe("'relative/path' is not an absolute URL.");
    expect(reason("ftp://files.example.com/")).toBe("The scheme 'ftp' is not allowed; use http or https.");
    expect(reason("http://10.1.2.3/")).toBe(
      "Literal IP addresses (10.1.2.3) are not allowed; use a host name.",
    );
    expect(reason("http://0x7f000001/")).toBe(
      "Literal IP addresses (127.0.0.1) are not allowed; use a host name.",
    );
    expect(reason("http://[fe80::1]/")).toBe(
      "Literal IP addresses (fe80::1) are not allowed; use a host name.",
    );
    expect(reason("http://intranet/")).toBe("The host 'intranet' is not a fully qualified name.");
    expect(reason("http://db.svc.internal/")).toBe("Hosts under '.internal' are not allowed.");
    expect(reason("http://box.localdomain/")).toBe("Hosts under '.localdomain' are not allowed.");
    expect(reason("http://a.example.com/", [], { allowedHosts: ["*.example.org", "api.example.com"] })).toBe(
      "The host 'a.example.com' is not in the allow-list.",
    );
    expect(reason("http://x.example.org/", [], { allowedHosts: ["*.example.org"] })).toBe("allowed");
    const prefixes = { allowedUrlPrefixes: ["https://Config.example.com/team-a"] };
    expect(reason("https://config.example.com/team-a/app.json", [], prefixes)).toBe("allowed");
    expect(reason("https://config.example.com/team-b/app.json", [], prefixes)).toBe(
      "https://config.example.com/team-b/app.json does not start with an allowed prefix (https://Config.example.com/team-a).",
    );
  });

  it("refuses every non-public address after resolution", () => {
    const refused = {
      "127.0.0.1": "a loopback address",
      "10.0.0.1": "a private address",
      "172.16.5.4": "a private address",
      "192.168.1.1": "a private address",
      "169.254.169.254": "a link-local address",
      "100.64.0.1": "a shared (carrier-grade NAT) address",
      "0.0.0.0": "a 'this network' address",
      "224.0.0.1": "a multicast address",
      "::1": "a loopback address",
      "::": "the unspecified address",
      "fe80::1": "a link-local address",
      "fd00::1": "a unique local (private) address",
      "::ffff:127.0.0.1": "a loopback address",
      "::ffff:a9fe:a9fe": "a link-local address",
    };
    for (const [address, why] of Object.entries(refused))
      expect(reason("https://h.example.com/", [address])).toBe(
        `'h.example.com' resolves to ${address}, ${why}; it is not allowed.`,
      );
  });
});
