import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { loadYaml } from "../loader/yaml-loader.js";
import { STAGE_TYPE_SPECS } from "./pipeline-schema.js";
import { validateApplicationSchema, validateSchema } from "./validate-schema.js";

/** Diagnostics with 1-based "line:col-line:col" ranges, easy to check against the fixture text. */
function check(text: string, validate: typeof validateSchema = validateSchema) {
  const doc = loadYaml(text);
  expect(doc.diagnostics).toEqual([]);
  return validate(doc).map((d: Diagnostic) => {
    const { start, end } = doc.source.range(d.span);
    const out: Record<string, unknown> = {
      code: d.code,
      severity: d.severity,
      message: d.message,
      at: `${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1}`,
    };
    if (d.data) out.data = d.data;
    return out;
  });
}

const lines = (...rows: string[]) => `${rows.join("\n")}\n`;

describe("validateSchema", () => {
  it("accepts the format's worked examples and the example of every stage type", () => {
    const dir = new URL("../../../../shared/design/examples/", import.meta.url);
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith(".yml"));
    } catch {
      // The shared design folder is outside the repository; the stage examples below still run.
    }
    for (const file of files) expect(check(readFileSync(new URL(file, dir), "utf8"))).toEqual([]);
    const stages = STAGE_TYPE_SPECS.map((s) => s.example);
    expect(check(JSON.stringify({ name: "all", stages }))).toEqual([]);
  });

  it("reports a wrong field type on the value, with a fix for a duration without unit", () => {
    const text = lines(
      "name: p",
      "stages:",
      "  - id: judge",
      "    type: manualJudgment",
      "    inputs: continue",
      "    timeout: 90",
    );
    expect(check(text)).toEqual([
      {
        code: "schema-type",
        severity: "error",
        message: "'inputs' must be a list; found the text 'continue'.",
        at: "5:13-5:21",
      },
      {
        code: "schema-type",
        severity: "error",
        message:
          "'timeout' must be a duration like 30s, 5m or 1h30m; found the number 90. Write a unit, e.g. 90s.",
        at: "6:14-6:16",
        data: { replacement: "90s" },
      },
    ]);
  });

  it("reports an unknown field on its key, naming the stage type, with did-you-mean", () => {
    const text = lines("name: p", "stages:", "  - id: soak", "    type: wait", "    duraton: 5m");
    expect(check(text)).toEqual([
      {
        code: "schema-required",
        severity: "error",
        message: "A wait stage needs 'duration' (or 'waitTime'): how long to wait.",
        at: "3:5-3:13",
        data: { field: "duration" },
      },
      {
        code: "schema-unknown-field",
        severity: "error",
        message: "Unknown field 'duraton' in a wait stage. Did you mean 'duration'?",
        at: "5:5-5:12",
        data: { field: "duraton", replacement: "duration" },
      },
    ]);
  });

  it("names Spinnaker's spelling of a field Capstan renames", () => {
    const text = lines(
      "name: p",
      "stages:",
      "  - id: a",
      "    type: wait",
      "    duration: 1s",
      "    requisiteStageRefIds: [b]",
    );
    expect(check(text)).toEqual([
      {
        code: "schema-unknown-field",
        severity: "error",
        message:
          "Unknown field 'requisiteStageRefIds' in a wait stage. Spinnaker's 'requisiteStageRefIds' is 'dependsOn' in Capstan.",
        at: "6:5-6:25",
        data: { field: "requisiteStageRefIds", replacement: "dependsOn" },
      },
    ]);
  });

  it("reports a missing required field on the first line of the stage", () => {
    const text = lines("name: p", "stages:", "  - id: notify", "    type: webhook", "    method: POST");
    expect(check(text)).toEqual([
      {
        code: "schema-required",
        severity: "error",
        message: "A webhook stage needs 'url': the URL to call; may contain expressions.",
        at: "3:5-3:15",
        data: { field: "url" },
      },
    ]);
  });

  it("reports a missing top-level field on the document's first line", () => {
    expect(check(lines("description: no name, no stages"))).toEqual([
      {
        code: "schema-required",
        severity: "error",
        message:
          "A pipeline needs 'name': pipeline name, unique in the repository; also names the generated workflow.",
        at: "1:1-1:32",
        data: { field: "name" },
      },
      {
        code: "schema-required",
        severity: "error",
        message:
          "A pipeline needs 'stages': the stages; their order in the file does not matter, `dependsOn` does.",
        at: "1:1-1:32",
        data: { field: "stages" },
      },
    ]);
  });

  it("lists the allowed values of an enum with did-you-mean", () => {
    const text = lines(
      "name: p",
      "stages:",
      "  - id: a",
      "    type: wait",
      "    duration: 1s",
      "    onFailure: haltPipe",
    );
    expect(check(text)).toEqual([
      {
        code: "schema-enum",
        severity: "error",
        message:
          "'onFailure' must be one of haltPipeline, haltBranch, haltBranchThenFailPipeline, ignore; found the text 'haltPipe'. Did you mean 'haltPipeline'?",
        at: "6:16-6:24",
        data: {
          allowed: ["haltPipeline", "haltBranch", "haltBranchThenFailPipeline", "ignore"],
          replacement: "haltPipeline",
        },
      },
    ]);
  });

  it("explains a bad duration and a bad window time in words", () => {
    const text = lines(
      "name: p",
      "stages:",
      "  - id: a",
      "    type: wait",
      "    duration: 5 minutes",
      "    window:",
      "      days: [mon, tues]",
      '      ranges: [{ start: "7:00", end: "10:00" }]',
    );
    expect(check(text)).toEqual([
      {
        code: "schema-pattern",
        severity: "error",
        message:
          "'duration' is not a duration: the text '5 minutes'. Write a duration like 30s, 5m or 1h30m (units ms, s, m, h, d), or an expression.",
        at: "5:15-5:24",
      },
      {
        code: "schema-enum",
        severity: "error",
        message:
          "Item 2 of 'days' must be one of mon, tue, wed, thu, fri, sat, sun; found the text 'tues'. Did you mean 'tue'?",
        at: "7:19-7:23",
        data: { allowed: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], replacement: "tue" },
      },
      {
        code: "schema-pattern",
        severity: "error",
        message:
          "'start' is not a time of day: the text '7:00'. Write a 24-hour time as \"HH:mm\", e.g. \"07:00\" (quoted).",
        at: "8:25-8:31",
      },
    ]);
  });

  it("checks the fields of a nested deploy cluster and accepts expressions for numbers", () => {
    const text = lines(
      "name: p",
      "stages:",
      "  - id: deploy",
      "    type: deploy",
      "    clusters:",
      "      - application: myapp",
      "        capacity: { min: 1, desired: '${ parameters.count }', max: three }",
      "        stratgy: redblack",
    );
    expect(check(text)).toEqual([
      {
        code: "schema-type",
        severity: "error",
        message:
          "'max' must be a whole number or an expression like ${ parameters.count }; found the text 'three'.",
        at: "7:68-7:73",
      },
      {
        code: "schema-unknown-field",
        severity: "error",
        message: "Unknown field 'stratgy' in a deploy cluster. Did you mean 'strategy'?",
        at: "8:9-8:16",
        data: { field: "stratgy", replacement: "strategy" },
      },
    ]);
  });

  it("checks each precondition by its own type", () => {
    const text = lines(
      "name: p",
      "stages:",
      "  - id: check",
      "    type: checkPreconditions",
      "    preconditions:",
      "      - type: expression",
      '        expresion: "${ true }"',
      "      - type: stageStatus",
      "        stageName: Deploy",
      "        stageStatus: SUCCEDED",
      "      - type: clusterSize",
      "        cluster: myapp-prod",
      "        expected: 2",
    );
    expect(check(text)).toEqual([
      {
        code: "schema-required",
        severity: "error",
        message:
          "An expression precondition needs 'expression': the condition; it must yield true (Spinnaker: context.expression).",
        at: "6:9-6:25",
        data: { field: "expression" },
      },
      {
        code: "schema-unknown-field",
        severity: "error",
        message: "Unknown field 'expresion' in an expression precondition. Did you mean 'expression'?",
        at: "7:9-7:18",
        data: { field: "expresion", replacement: "expression" },
      },
      {
        code: "schema-enum",
        severity: "error",
        message:
          "'stageStatus' must be one of NOT_STARTED, RUNNING, PAUSED, SUCCEEDED, FAILED_CONTINUE, TERMINAL, CANCELED, STOPPED, SKIPPED; found the text 'SUCCEDED'. Did you mean 'SUCCEEDED'?",
        at: "10:22-10:30",
        data: {
          allowed: [
            "NOT_STARTED",
            "RUNNING",
            "PAUSED",
            "SUCCEEDED",
            "FAILED_CONTINUE",
            "TERMINAL",
            "CANCELED",
            "STOPPED",
            "SKIPPED",
          ],
          replacement: "SUCCEEDED",
        },
      },
    ]);
  });

  it("checks each trigger by its own type", () => {
    const text = lines(
      "name: p",
      "triggers:",
      "  - type: cron",
      "    expression: every day",
      "  - type: git",
      "    branch: main",
      "    tag: v1",
      "  - type: pipeline",
      "stages:",
      "  - { id: a, type: wait, duration: 1s }",
    );
    expect(check(text)).toEqual([
      {
        code: "schema-pattern",
        severity: "error",
        message:
          "'expression' is not a cron expression: the text 'every day'. Write five fields, minute hour day-of-month month day-of-week, e.g. \"0 7 * * 1-5\" (UTC).",
        at: "4:17-4:26",
      },
      {
        code: "schema-unknown-field",
        severity: "error",
        message: "Unknown field 'tag' in a git trigger.",
        at: "7:5-7:8",
        data: { field: "tag" },
      },
      {
        code: "schema-required",
        severity: "error",
        message: "A pipeline trigger needs 'pipeline': name of the upstream pipeline.",
        at: "8:5-8:19",
        data: { field: "pipeline" },
      },
    ]);
  });

  it("checks only the common fields of a stage type it does not know", () => {
    const text = lines(
      "name: p",
      "stages:",
      "  - id: bake",
      "    type: bake",
      "    package: app",
      "    timeout: soon",
    );
    expect(check(text)).toEqual([
      {
        code: "schema-pattern",
        severity: "error",
        message:
          "'timeout' is not a duration: the text 'soon'. Write a duration like 30s, 5m or 1h30m (units ms, s, m, h, d), or an expression.",
        at: "6:14-6:18",
      },
    ]);
  });

  it("reports a stage that is not a map, or has no type, once", () => {
    const text = lines("name: p", "stages:", "  - wait", "  - id: x", "  - id: y", "    type: 3");
    expect(check(text)).toEqual([
      {
        code: "schema-type",
        severity: "error",
        message: "Stage 1 must be a map of fields (stage); found the text 'wait'.",
        at: "3:5-3:9",
      },
      {
        code: "schema-required",
        severity: "error",
        message: "A stage needs 'type': the stage type; it decides the stage's other fields.",
        at: "4:5-4:10",
        data: { field: "type" },
      },
      {
        code: "schema-type",
        severity: "error",
        message: "'type' must be text; found the number 3.",
        at: "6:11-6:12",
      },
    ]);
  });

  it("validates a 2,000-stage file in one pass", () => {
    const stages = Array.from({ length: 2000 }, (_, i) => ({
      id: `s${i}`,
      type: i % 2 ? "wait" : "run",
      ...(i % 2 ? { duration: "1s" } : { command: "true" }),
      ...(i > 0 ? { dependsOn: [`s${i - 1}`] } : {}),
    }));
    stages[1999] = { ...stages[1999], timeout: 5 } as (typeof stages)[number];
    const doc = loadYaml(JSON.stringify({ name: "big", stages }));
    validateSchema(doc);
    const started = performance.now();
    const diagnostics = validateSchema(doc);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(diagnostics.map((d) => d.code)).toEqual(["schema-type"]);
  });
});

describe("validateApplicationSchema", () => {
  it("checks application.yml", () => {
    const text = lines(
      "name: myapp",
      "trafficGuards:",
      "  - cluster: myapp-prod",
      "    enabeld: true",
      "accounts:",
      "  - name: prod",
      "    provider: k8s",
    );
    expect(check(text, validateApplicationSchema)).toEqual([
      {
        code: "schema-unknown-field",
        severity: "error",
        message: "Unknown field 'enabeld' in a traffic guard. Did you mean 'enabled'?",
        at: "4:5-4:12",
        data: { field: "enabeld", replacement: "enabled" },
      },
      {
        code: "schema-enum",
        severity: "error",
        message: "'provider' must be one of local, kubernetes; found the text 'k8s'.",
        at: "7:15-7:18",
        data: { allowed: ["local", "kubernetes"] },
      },
    ]);
  });
});
