import { describe, expect, it } from "vitest";
import type { UrlFetcher } from "../expr/index.js";
import { SpelEvaluator } from "./spel-evaluator.js";
import { runPipeline } from "./testdata/kit.js";

/** A stand-in network: names resolve to a public address, bodies come from a table. */
function network(bodies: Record<string, string>): UrlFetcher & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    resolve: async () => ["93.184.216.34"],
    get: async (url) => {
      asked.push(url.toString());
      const body = bodies[url.toString()];
      return body === undefined ? { ok: false, error: "HTTP 404" } : { ok: true, body };
    },
  };
}

const yaml = (allow: boolean) => `
name: p
expressions: { allowUrls: ${allow}, urlAllowList: ["https://config.example.com/"] }
stages:
  - id: vars
    type: evaluateVariables
    variables:
      - { key: region, value: "\${ #jsonFromUrl('https://config.example.com/app.json').region }" }
      - { key: other, value: "\${ #fromUrl('https://elsewhere.example.org/x') }" }
  - id: w
    type: wait
    dependsOn: [vars]
    duration: "\${ #jsonFromUrl('https://config.example.com/app.json').wait }"
`;

describe("URL functions", () => {
  it("are fetched before evaluation, within the allow-list, for stage config and variables", async () => {
    const net = network({ "https://config.example.com/app.json": '{"region": "eu", "wait": "5s"}' });
    const r = await runPipeline(yaml(true), { expressions: new SpelEvaluator(net) });
    expect(r.stages[0].outputs.region).toBe("eu");
    expect(r.stages[0].outputs.other).toBe("${ #fromUrl('https://elsewhere.example.org/x') }");
    expect(JSON.stringify(r.stages[0].expressionEvaluationSummary)).toContain("urlAllowList");
    expect(r.stages[1].context.duration).toBe("5s");
    expect(r.stages[1].endTime! - r.stages[1].startTime!).toBe(5000);
    expect(net.asked).toEqual(["https://config.example.com/app.json"]);
  });

  it("are refused when the pipeline does not allow them", async () => {
    const net = network({});
    const r = await runPipeline(yaml(false), { expressions: new SpelEvaluator(net) });
    expect(JSON.stringify(r.stages[0].expressionEvaluationSummary)).toContain("does not allow URL functions");
    expect(net.asked).toEqual([]);
  });
});
