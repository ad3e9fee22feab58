// The engine's URL functions apply expressions.urlAllowList by parsed scheme, host, port and path
// (issue 18 item 7): nothing outside the list is fetched, whatever its text starts with.
import { SpelEvaluator } from "@capstan/core";
import { describe, expect, it } from "vitest";

describe("expressions.urlAllowList in the engine", () => {
  it("refuses dot segments, port and host prefixes before any lookup", async () => {
    const asked: string[] = [];
    const fetcher = {
      resolve: async (host: string) => {
        asked.push(`resolve ${host}`);
        return ["93.184.216.34"];
      },
      get: async (url: URL) => {
        asked.push(`get ${url.href}`);
        return { ok: true as const, body: "{}" };
      },
    };
    const evaluator = new SpelEvaluator(fetcher);
    const scope = {
      urlAllowList: ["http://example.com:80/allowed/", "http://example.com"],
    } as unknown as Parameters<SpelEvaluator["fetchUrls"]>[1];
    const refused = [
      "http://example.com:80/allowed/../secret",
      "http://example.com:8081/allowed/x",
      "http://example.com.attacker.example/allowed/x",
    ];
    await evaluator.fetchUrls(refused, { ...scope, urlAllowList: ["http://example.com:80/allowed/"] });
    expect(asked).toEqual([]);
    await evaluator.fetchUrls(["http://example.com/allowed/ok.json"], scope);
    expect(asked).toEqual(["resolve example.com", "get http://example.com/allowed/ok.json"]);
  });
});
