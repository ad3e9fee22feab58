// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${ }` is the syntax this module handles.
// Property-based fuzzing: random text and random trees never crash or hang the parser, checker
// or evaluator. Runs are bounded and seeded so failures reproduce.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BinaryOperator, ExprNode } from "./ast.js";
import { FUNCTIONS, METHODS } from "./catalog.js";
import { checkAst, checkExpression, checkTemplate } from "./checker.js";
import { createEvaluationContext } from "./context.js";
import { type CompiledExpression, compileNode, evaluateExpression } from "./evaluator.js";
import { parseExpression } from "./parser.js";
import { evaluateTemplate } from "./template-eval.js";

const env = {
  stages: [
    { id: "judge", name: "judge", type: "manualJudgment", inputs: ["continue", "rollback"] },
    { id: "deploy", name: "Deploy", type: "deploy" },
  ],
  parameters: ["image"],
  secrets: ["TOKEN"],
};
const ctx = createEvaluationContext({
  root: { parameters: { image: "app:1" }, list: [1, 2, 3], map: { a: 1, b: "x" }, s: "text" },
  host: {
    stages: () => [
      {
        id: "judge",
        name: "judge",
        type: "manualJudgment",
        status: "SUCCEEDED",
        context: { judgmentInput: "continue" },
      },
      { id: "deploy", name: "Deploy", type: "deploy", status: "SUCCEEDED", context: {} },
    ],
    currentStageId: "deploy",
  },
  urls: {
    enabled: true,
    responses: new Map([["https://a.example.com/", { ok: true as const, body: '{"k": 1}' }]]),
  },
  limits: { maxSteps: 20_000 },
});

const PIECES = [
  "#judgment('judge')",
  "#stage('Deploy')",
  "parameters",
  ".",
  "?.",
  "[",
  "]",
  "{",
  "}",
  "(",
  ")",
  ",",
  ":",
  "'a'",
  '"b"',
  "'",
  "1",
  "2.5",
  "-",
  "+",
  "*",
  "/",
  "%",
  "==",
  "!=",
  "<",
  ">=",
  " and ",
  " or ",
  "!",
  " not ",
  "?",
  "?:",
  " matches ",
  "'(a+)+$'",
  ".?[",
  ".![",
  ".^[",
  ".$[",
  "#this",
  "#root",
  "T(",
  "new ",
  "@x",
  "size()",
  ".equals(",
  ".split(','",
  "'${x}'",
  "${",
  "list",
  "map",
  "s",
  "true",
  "null",
  " ",
  "#toJson(",
  "#readJson(",
];
const exprText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 25 }).map((parts) => parts.join("")),
);

const span = { start: 0, end: 0 };
const OPERATORS: BinaryOperator[] = [
  "+",
  "-",
  "*",
  "/",
  "%",
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "and",
  "or",
  "matches",
];
const NAMES = ["a", "s", "list", "map", "parameters", "constructor", "__proto__", "image"];

const tree = fc.letrec<{ node: ExprNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(
      fc.string({ maxLength: 8 }).map((value): ExprNode => ({ kind: "literal", value, span })),
      fc.integer({ min: -5, max: 5 }).map((value): ExprNode => ({ kind: "literal", value, span })),
      fc.double({ noNaN: false }).map((value): ExprNode => ({ kind: "literal", value, float: true, span })),
      fc.constantFrom(true, false, null).map((value): ExprNode => ({ kind: "literal", value, span })),
      fc.constantFrom(...NAMES).map((name): ExprNode => ({ kind: "identifier", name, span })),
      fc.constantFrom("this", "root", "nope").map((name): ExprNode => ({ kind: "variable", name, span })),
      fc.constant<ExprNode>({ kind: "typeReference", typeName: "java.lang.Runtime", span }),
      fc.constant<ExprNode>({ kind: "beanReference", name: "x", span }),
      fc.constant<ExprNode>({ kind: "error", span }),
    ),
    fc.array(tie("node"), { maxLength: 3 }).map((items): ExprNode => ({ kind: "list", items, span })),
    fc.array(fc.tuple(fc.constantFrom(...NAMES), tie("node")), { maxLength: 3 }).map(
      (es): ExprNode => ({
        kind: "map",
        entries: es.map(([key, value]) => ({ key, keySpan: span, value })),
        span,
      }),
    ),
    fc
      .tuple(tie("node"), fc.constantFrom(...NAMES), fc.boolean())
      .map(
        ([object, name, safe]): ExprNode => ({ kind: "property", object, name, nameSpan: span, safe, span }),
      ),
    fc
      .tuple(tie("node"), tie("node"), fc.boolean())
      .map(([object, index, safe]): ExprNode => ({ kind: "index", object, index, safe, span })),
    fc
      .tuple(
        tie("node"),
        fc.constantFrom(...METHODS.map((m) => m.name), "get", "getClass"),
        fc.array(tie("node"), { maxLength: 2 }),
      )
      .map(
        ([object, name, args]): ExprNode => ({
          kind: "method",
          object,
          name,
          nameSpan: span,
          args,
          safe: false,
          span,
        }),
      ),
    fc
      .tuple(
        fc.constantFrom(...FUNCTIONS.map((f) => f.name), "nope"),
        fc.array(tie("node"), { maxLength: 2 }),
      )
      .map(([name, args]): ExprNode => ({ kind: "function", name, nameSpan: span, args, span })),
    fc
      .tuple(
        tie("node"),
        tie("node"),
        fc.constantFrom("all", "first", "last") as fc.Arbitrary<"all" | "first" | "last">,
      )
      .map(
        ([object, predicate, mode]): ExprNode => ({
          kind: "selection",
          object,
          predicate,
          mode,
          safe: false,
          span,
        }),
      ),
    fc
      .tuple(tie("node"), tie("node"))
      .map(
        ([object, expression]): ExprNode => ({ kind: "projection", object, expression, safe: false, span }),
      ),
    fc
      .tuple(fc.constantFrom("-", "+", "!") as fc.Arbitrary<"-" | "+" | "!">, tie("node"))
      .map(([operator, operand]): ExprNode => ({ kind: "unary", operator, operand, span })),
    fc.tuple(fc.constantFrom(...OPERATORS), tie("node"), tie("node")).map(
      ([operator, left, right]): ExprNode => ({
        kind: "binary",
        operator,
        operatorSpan: span,
        left,
        right,
        span,
      }),
    ),
    fc
      .tuple(tie("node"), tie("node"), tie("node"))
      .map(
        ([test, consequent, alternate]): ExprNode => ({ kind: "ternary", test, consequent, alternate, span }),
      ),
    fc
      .tuple(tie("node"), tie("node"))
      .map(([left, right]): ExprNode => ({ kind: "elvis", left, right, span })),
  ),
})).node;

const params = {
  seed: Number(process.env.FUZZ_SEED ?? 20240611),
  numRuns: Number(process.env.FUZZ_RUNS ?? 600),
};

describe("fuzz", () => {
  it("random text never crashes or hangs the parser, checker and evaluator", () => {
    fc.assert(
      fc.property(exprText, (text) => {
        const started = performance.now();
        const parsed = parseExpression(text);
        expect(Array.isArray(parsed.diagnostics)).toBe(true);
        checkExpression(text, env);
        checkTemplate(`x ${"${"}${text}} y`, env);
        const outcome = evaluateExpression(text, ctx);
        // InternalError means a JS exception escaped our own checks: a bug, even though it is caught.
        expect(outcome.ok || outcome.exceptionType).not.toBe("InternalError");
        evaluateTemplate(text, ctx);
        expect(performance.now() - started).toBeLessThan(1000);
      }),
      params,
    );
  });

  it("random trees never crash or hang the checker and evaluator", () => {
    fc.assert(
      fc.property(tree, (ast) => {
        const started = performance.now();
        checkAst(ast, env);
        const compiled: CompiledExpression = { source: "", ast, diagnostics: [], run: compileNode(ast) };
        const outcome = evaluateExpression(compiled, ctx);
        expect(outcome.ok ? "ok" : `${outcome.exceptionType}: ${outcome.message}`).not.toMatch(
          /^InternalError/,
        );
        // Whatever comes out is plain JSON-like data.
        if (outcome.ok) expect(() => JSON.stringify(outcome.value)).not.toThrow();
        expect(performance.now() - started).toBeLessThan(1000);
      }),
      params,
    );
  });
});
