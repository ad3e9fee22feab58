// expressions.urlAllowList entries match the parsed URL: scheme, host, port and the normalised
// path by whole segments, never a raw text prefix (issue 18 item 7).
import { describe, expect, it } from "vitest";
import { checkUrlAllowed, urlUnderAllowList } from "./url-policy.js";

const under = (url: string, list: string[]) => urlUnderAllowList(url, list);

describe("urlUnderAllowList", () => {
  it("refuses what a text prefix would let through", () => {
    expect(under("https://h.example.com/allowed/../secret", ["https://h.example.com/allowed/"])).toBe(false);
    expect(under("https://h.example.com/allowed/%2e%2e/secret", ["https://h.example.com/allowed/"])).toBe(
      false,
    );
    expect(under("https://h.example.com/allowed/..%2fsecret", ["https://h.example.com/allowed/"])).toBe(
      false,
    );
    expect(under("https://h.example.com/allowed/..%5Csecret", ["https://h.example.com/allowed"])).toBe(false);
    expect(under("http://h.example.com:8081/x", ["http://h.example.com:80"])).toBe(false);
    expect(under("http://h.example.com:8081/x", ["http://h.example.com:808"])).toBe(false);
    expect(under("https://example.com.attacker.example/x", ["https://example.com"])).toBe(false);
    expect(under("https://example.com@attacker.example/x", ["https://example.com"])).toBe(false);
    expect(under("https://h.example.com/allowedness", ["https://h.example.com/allowed"])).toBe(false);
    expect(under("http://h.example.com/a", ["https://h.example.com/"])).toBe(false);
  });

  it("accepts URLs under an entry", () => {
    expect(under("https://h.example.com/allowed/app.json", ["https://h.example.com/allowed/"])).toBe(true);
    expect(under("https://h.example.com/allowed/app.json", ["https://h.example.com/allowed"])).toBe(true);
    expect(under("https://h.example.com/allowed", ["https://h.example.com/allowed"])).toBe(true);
    expect(under("https://h.example.com/allowed/./a/../b?x=1", ["https://h.example.com/allowed/"])).toBe(
      true,
    );
    expect(under("https://H.Example.com./any/thing", ["https://h.example.com"])).toBe(true);
    expect(under("https://h.example.com:443/x", ["https://h.example.com/"])).toBe(true);
    expect(under("http://h.example.com/x", ["http://h.example.com:80/"])).toBe(true);
    expect(under("http://h.example.com:8081/x", ["http://h.example.com:8081"])).toBe(true);
    expect(under("https://b.example.com/x", ["https://a.example.com/", "https://b.example.com/"])).toBe(true);
  });

  it("never matches an entry that is not a URL", () => {
    expect(under("https://h.example.com/x", ["h.example.com"])).toBe(false);
    expect(under("https://h.example.com/x", [""])).toBe(false);
    expect(under("not a url", ["https://h.example.com/"])).toBe(false);
  });

  it("is what checkUrlAllowed applies to allowedUrlPrefixes", () => {
    const policy = { allowedUrlPrefixes: ["http://h.example.com:80/allowed/"] };
    expect(checkUrlAllowed("http://h.example.com/allowed/a", [], policy).allowed).toBe(true);
    for (const url of [
      "http://h.example.com/allowed/../secret",
      "http://h.example.com:8081/allowed/a",
      "http://h.example.com.attacker.example/allowed/a",
    ])
      expect(checkUrlAllowed(url, [], policy)).toMatchObject({ allowed: false });
  });
});
