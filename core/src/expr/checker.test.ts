// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${ }` is the syntax this module handles.
import { describe, expect, it } from "vitest";
import { type CheckEnvironment, checkExpression, checkTemplate } from "./checker.js";

const env: CheckEnvironment = {
  stages: [
    { id: "deploy", name: "Deploy", type: "deploy" },
    {
      id: "judge",
      name: "judge",
      type: "manualJudgment",
      inputs: ["continue", "rollback"],
      dependsOnTransitive: ["deploy"],
    },
    {
      id: "rollback",
      name: "Rollback",
      type: "checkPreconditions",
      dependsOnTransitive: ["deploy", "judge"],
    },
    { id: "parallel", name: "Parallel", type: "wait", dependsOnTransitive: ["deploy"] },
  ],
  parameters: ["Pipeline Successful", "image"],
  secrets: ["SLACK_WEBHOOK"],
  currentStageId: "rollback",
  urlFunctionsEnabled: false,
};

const check = (source: string, e: CheckEnvironment = env) => {
  const { diagnostics, references } = checkExpression(source, e);
  return { diagnostics, references };
};

describe("checkExpression", () => {
  it("accepts the seeds' expressions and returns their references", () => {
    expect(check("#judgment('judge') == 'rollback'")).toEqual({
      diagnostics: [],
      references: [{ kind: "judgment", name: "judge", span: { start: 11, end: 16 }, resolved: true }],
    });
    expect(check("parameters['Pipeline Successful'].equals('true')")).toEqual({
      diagnostics: [],
      references: [
        { kind: "parameter", name: "Pipeline Successful", span: { start: 12, end: 31 }, resolved: true },
      ],
    });
    expect(
      check("#stage('Deploy')['context']['exception']['exceptionType'].toString() == 'TimeoutException'"),
    ).toEqual({
      diagnostics: [],
      references: [{ kind: "stage-name", name: "Deploy", span: { start: 8, end: 14 }, resolved: true }],
    });
  });

  it("names the valid inputs when a judgment is compared to an unknown one", () => {
    expect(check("#judgment('judge') == 'rollbak'")).toEqual({
      diagnostics: [
        {
          code: "unknown-judgment-input",
          severity: "error",
          message:
            "'rollbak' is not an input of manual judgment 'judge', so this comparison is never true. Its inputs are: 'continue', 'rollback'. Did you mean 'rollback'?",
          span: { start: 22, end: 31 },
          data: { replacement: "rollback" },
        },
      ],
      references: [{ kind: "judgment", name: "judge", span: { start: 11, end: 16 }, resolved: true }],
    });
    expect(check("'contine' != #judgement('judge')").diagnostics.map((d) => [d.code, d.span])).toEqual([
      ["unknown-judgment-input", { start: 0, end: 9 }],
    ]);
    expect(check("#judgment('judge').equals('stop')").diagnostics.map((d) => d.span)).toEqual([
      { start: 26, end: 32 },
    ]);
    expect(check("#judgment('judge').equalsIgnoreCase('ROLLBACK')").diagnostics).toEqual([]);
  });

  it("reports stages that do not exist, with a suggestion", () => {
    expect(check("#stage('Deplyo').status").diagnostics).toEqual([
      {
        code: "unknown-stage",
        severity: "error",
        message: "No stage is named or has the id 'Deplyo'. Did you mean 'Deploy'?",
        span: { start: 7, end: 15 },
        data: { replacement: "Deploy" },
      },
    ]);
    expect(check("#stageByRefId('Deploy')").diagnostics).toEqual([
      {
        code: "unknown-stage-id",
        severity: "error",
        message:
          "'Deploy' is a stage name; #stageByRefId takes the stage id, here 'deploy' (or use #stage('Deploy')).",
        span: { start: 14, end: 22 },
        data: { replacement: "deploy" },
      },
    ]);
    expect(check("#stageExists('nope') ? 1 : 2").diagnostics).toEqual([]);
    expect(check("#stage('deploy')").references).toEqual([
      { kind: "stage-id", name: "deploy", span: { start: 8, end: 14 }, resolved: true },
    ]);
  });

  it("checks #judgment targets: existence, type and order", () => {
    expect(check("#judgment('Deploy')").diagnostics).toEqual([
      {
        code: "not-a-manual-judgment",
        severity: "error",
        message:
          "Stage 'Deploy' is a deploy stage, not a manual judgment, so #judgment has no input to return. Manual judgments: 'judge'; for other stages use #stage('Deploy').",
        span: { start: 10, end: 18 },
      },
    ]);
    expect(check("#judgment('jduge')").diagnostics.map((d) => d.message)).toEqual([
      "No stage is named 'jduge'. Did you mean 'judge'?",
    ]);
    expect(check("#judgment('judge')", { ...env, currentStageId: "parallel" }).diagnostics).toEqual([
      {
        code: "judgment-not-upstream",
        severity: "warning",
        message:
          "Manual judgment 'judge' does not run before stage 'Parallel', so it may have no input yet; make 'Parallel' depend on it.",
        span: { start: 10, end: 17 },
      },
    ]);
  });

  it("checks parameters and secrets", () => {
    expect(check("parameters.imag + trigger.parameters['image'] + secrets.SLACK")).toEqual({
      diagnostics: [
        {
          code: "unknown-parameter",
          severity: "error",
          message:
            "Parameter 'imag' is not declared. Did you mean 'image'? Declared parameters: 'Pipeline Successful', 'image'.",
          span: { start: 11, end: 15 },
          data: { replacement: "image" },
        },
        {
          code: "unknown-secret",
          severity: "error",
          message:
            "Secret 'SLACK' is not declared; add it to the pipeline's secrets. Did you mean 'SLACK_WEBHOOK'? Declared secrets: 'SLACK_WEBHOOK'.",
          span: { start: 56, end: 61 },
          data: { replacement: "SLACK_WEBHOOK" },
        },
      ],
      references: [
        { kind: "parameter", name: "imag", span: { start: 11, end: 15 }, resolved: false },
        { kind: "parameter", name: "image", span: { start: 38, end: 43 }, resolved: true },
        { kind: "secret", name: "SLACK", span: { start: 56, end: 61 }, resolved: false },
      ],
    });
    // Inside a selection, bare names are properties of the element, not root parameters.
    expect(check("items.?[parameters.x == 1]").diagnostics).toEqual([]);
    expect(check("#root.parameters.nope").diagnostics.map((d) => d.code)).toEqual(["unknown-parameter"]);
    // A bare name in a map's brackets is the key itself, as in SpEL: parameters[imag] reads 'imag'.
    expect(check("parameters[imag]").diagnostics.map((d) => [d.code, d.span.start, d.span.end])).toEqual([
      ["unknown-parameter", 11, 15],
    ]);
    expect(check("parameters[image]").diagnostics).toEqual([]);
    expect(check("paramters.image == tigger.tag").diagnostics).toEqual([
      {
        code: "unknown-root",
        severity: "warning",
        message:
          "'paramters' is not one of the roots (parameters, trigger, execution, secrets); did you mean 'parameters'? Other names read the stage's context and upstream outputs, and are null when absent.",
        span: { start: 0, end: 9 },
        data: { replacement: "parameters" },
      },
      {
        code: "unknown-root",
        severity: "warning",
        message:
          "'tigger' is not one of the roots (parameters, trigger, execution, secrets); did you mean 'trigger'? Other names read the stage's context and upstream outputs, and are null when absent.",
        span: { start: 19, end: 25 },
        data: { replacement: "trigger" },
      },
    ]);
    expect(check("keyA + deployedImage + status + triggers").diagnostics.map((d) => d.code)).toEqual([
      "unknown-root",
    ]);
    expect(check("items.?[#root.parameters.nope == name]").diagnostics.map((d) => d.code)).toEqual([
      "unknown-parameter",
    ]);
  });

  it("reports unknown functions, arity, methods off the allow-list and Java escapes", () => {
    expect(check("#fromJsonFromUrl('https://x.example/c.json')").diagnostics).toEqual([
      {
        code: "unknown-function",
        severity: "error",
        message:
          "Unknown function #fromJsonFromUrl. Did you mean #jsonFromUrl? The functions are listed in docs/expressions.md.",
        span: { start: 0, end: 16 },
        data: { replacement: "jsonFromUrl" },
      },
    ]);
    expect(check("#toInt('1', 2) + #currentStage").diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["wrong-arity", "#toInt takes 1 argument (#toInt(text)), not 2."],
      ["unknown-variable", "#currentStage is a function; call it: #currentStage(...)."],
    ]);
    expect(check("trigger.get('k')").diagnostics).toEqual([
      {
        code: "method-not-allowed",
        severity: "error",
        message: ".get() is not allowed; use index instead: map['key'] or list[0].",
        span: { start: 8, end: 11 },
      },
    ]);
    expect(check("x.getClass()").diagnostics.map((d) => d.code)).toEqual(["method-not-allowed"]);
    expect(check("x.toUppercase()").diagnostics[0].message).toMatch(
      /^\.toUppercase\(\) is not allowed\. Did you mean \.toUpperCase\(\)\? Allowed methods: strings: equals/,
    );
    expect(check("'a'.substring()").diagnostics.map((d) => d.message)).toEqual([
      ".substring() takes 1 or 2 arguments, not 0.",
    ]);
    expect(
      check("T(java.lang.Runtime).getRuntime().exec('id') + new java.io.File('/') + @bean").diagnostics.map(
        (d) => [d.code, d.span.start, d.span.end],
      ),
    ).toEqual([
      ["type-reference-not-allowed", 0, 20],
      ["method-not-allowed", 21, 31],
      ["method-not-allowed", 34, 38],
      ["constructor-not-allowed", 47, 68],
      ["bean-reference-not-allowed", 71, 76],
    ]);
    expect(check("#fromUrl('https://example.com/x')").diagnostics.map((d) => d.code)).toEqual([
      "url-functions-disabled",
    ]);
  });

  it("lets instanceof name Spinnaker's allowed types, and only those", () => {
    const codes = (source: string) =>
      check(source).diagnostics.map((d) => [d.code, d.span.start, d.span.end]);
    expect(codes("x instanceof T(String) and y instanceof T(java.lang.Integer)")).toEqual([]);
    expect(codes("x instanceof T(java.lang.Runtime)")).toEqual([["type-reference-not-allowed", 13, 33]]);
    expect(codes("x instanceof T(List)")).toEqual([["type-reference-not-allowed", 13, 20]]);
    // Anywhere else T(...) is still refused.
    expect(codes("T(String).valueOf(1)")).toEqual([
      ["type-reference-not-allowed", 0, 9],
      ["method-not-allowed", 10, 17],
    ]);
  });

  it("compiles literal regular expressions and reports refused ones", () => {
    expect(
      check("'aa' matches '(a)\\1' or 'x'.split('[').size() > 1 or 'y'.matches('(a+)+$')").diagnostics,
    ).toEqual([
      {
        code: "regex-not-supported",
        severity: "error",
        message:
          "Backreferences are not supported in regular expressions (matching is guaranteed to run in linear time).",
        span: { start: 13, end: 20 },
      },
      {
        code: "invalid-regex",
        severity: "error",
        message: "Invalid regular expression '[': unclosed character class.",
        span: { start: 34, end: 37 },
      },
    ]);
    expect(check("a = 1").diagnostics.map((d) => d.message)).toEqual([
      "Unexpected '='; expected an operator or the end of the expression. To compare, write '=='.",
    ]);
  });

  it("keeps parse diagnostics and checks the partial tree", () => {
    expect(check("#judgment('judge') == 'rollbak' and (").diagnostics.map((d) => d.code)).toEqual([
      "expected-expression",
      "missing-closer",
      "unknown-judgment-input",
    ]);
  });
});

describe("checkTemplate", () => {
  it("shifts spans to the whole string", () => {
    expect(checkTemplate("Go: ${ #judgment('judge') == 'rollbak' } ${", env)).toEqual({
      diagnostics: [
        {
          code: "unterminated-expression",
          severity: "error",
          message: "`${` has no matching `}`; close the expression with `}`.",
          span: { start: 41, end: 43 },
        },
        {
          code: "unknown-judgment-input",
          severity: "error",
          message:
            "'rollbak' is not an input of manual judgment 'judge', so this comparison is never true. Its inputs are: 'continue', 'rollback'. Did you mean 'rollback'?",
          span: { start: 29, end: 38 },
          data: { replacement: "rollback" },
        },
      ],
      references: [{ kind: "judgment", name: "judge", span: { start: 18, end: 23 }, resolved: true }],
    });
  });
});
