import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../engine/clock.js";
import { fetchHttpClient } from "../engine/node-services.js";
import { SpelEvaluator } from "../engine/spel-evaluator.js";
import { runPipeline, scriptedJudgments } from "../engine/testdata/kit.js";
import { createNotifier } from "./notifier.js";

let close: (() => void) | undefined;
afterEach(() => close?.());

/** A local receiver: /ok answers 200, /down always 500. */
async function receiver(): Promise<{ base: string; got: { path: string; body: Record<string, unknown> }[] }> {
  const got: { path: string; body: Record<string, unknown> }[] = [];
  const srv = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      got.push({ path: req.url ?? "", body: JSON.parse(body) as Record<string, unknown> });
      res.writeHead(req.url === "/down" ? 500 : 200);
      res.end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  close = () => srv.close();
  return { base: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, got };
}

describe("notifications", () => {
  it("sends pipeline, stage and judgment events with rendered messages; failures are recorded, not fatal", async () => {
    const { base, got } = await receiver();
    const clock = new FakeClock();
    const r = await runPipeline(
      `
name: notified
parameters: [{ name: version, default: "1.2" }]
notifications:
  - type: webhook
    address: ${base}/ok
    when: [pipeline.starting, pipeline.complete, pipeline.failed]
    message: { pipeline.complete: "Rolled out \${ parameters.version }" }
  - { type: slack, address: "${base}/down", when: [pipeline.complete] }
stages:
  - id: judge
    name: Judge
    type: manualJudgment
    instructions: ship it?
    inputs: [continue, rollback]
    notifications:
      - { type: slack, address: "${base}/ok", when: [awaiting, continue] }
  - id: w
    type: wait
    duration: 1s
    dependsOn: [judge]
    notifications: [{ type: webhook, address: "${base}/ok", when: [stage.starting, stage.complete] }]
`,
      {
        clock,
        expressions: new SpelEvaluator(),
        http: fetchHttpClient,
        allowLoopbackUrls: true,
        judgments: scriptedJudgments({ judge: "rollback" }, "ann"),
        notifier: createNotifier({ http: fetchHttpClient, clock, allowLoopbackUrls: true }),
      },
    );
    expect(r.status).toBe("SUCCEEDED");
    const ok = got.filter((g) => g.path === "/ok").map((g) => g.body.event ?? g.body.text);
    expect(ok).toEqual([
      "pipeline.starting",
      "Manual judgment 'Judge' of pipeline 'notified' (e1) awaits a decision (continue | rollback): ship it?",
      "Manual judgment 'Judge' of pipeline 'notified' (e1): continue (rollback) by ann",
      "stage.starting",
      "stage.complete",
      "pipeline.complete",
    ]);
    expect(got.find((g) => g.body.event === "pipeline.complete")?.body).toMatchObject({
      message: "Rolled out 1.2",
      execution: { id: "e1", pipeline: "notified", status: "SUCCEEDED" },
    });
    // The failing slack hook was tried 3 times and the failure kept in the record.
    expect(got.filter((g) => g.path === "/down")).toHaveLength(3);
    const failed = r.notifications.find((n) => !n.ok);
    expect(failed).toMatchObject({
      event: "pipeline.complete",
      type: "slack",
      attempts: 3,
      error: "HTTP 500",
    });
    expect(r.notifications.filter((n) => n.ok)).toHaveLength(6);
  });

  it("refuses loopback addresses unless allowed, and unsupported types locally", async () => {
    const clock = new FakeClock();
    const r = await runPipeline(
      `
name: n
notifications:
  - { type: webhook, address: "http://127.0.0.1:9/x", when: [pipeline.starting] }
  - { type: email, address: "ops@example.com", when: [pipeline.starting] }
stages: [{ id: w, type: wait, duration: 1s }]
`,
      { clock, http: fetchHttpClient, notifier: createNotifier({ http: fetchHttpClient, clock }) },
    );
    expect(r.status).toBe("SUCCEEDED");
    expect(r.notifications.map((n) => [n.type, n.ok, n.attempts])).toEqual([
      ["webhook", false, 0],
      ["email", false, 0],
    ]);
  });
});
