// GitHub Actions expressions for the simulator, evaluated with GitHub's own library
// (@actions/expressions) plus the job status functions the runner service provides.
import { data, Evaluator, Lexer, Parser } from "@actions/expressions";

type FunctionDefinition = ConstructorParameters<typeof Evaluator>[2] extends Map<string, infer F> | undefined
  ? F
  : never;

/** The status of the jobs a job depends on, for success() / failure() / cancelled(). */
export interface JobStatus {
  /** Results of the direct `needs`. */
  needs: string[];
  /** Results of every ancestor job. */
  ancestors: string[];
  runCancelled: boolean;
}

function toData(value: unknown): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

function fromData(value: data.ExpressionData): unknown {
  return JSON.parse(JSON.stringify(value, data.replacer)) as unknown;
}

function statusFunctions(status: JobStatus): Map<string, FunctionDefinition> {
  const fn = (name: string, value: () => boolean): [string, FunctionDefinition] => [
    name,
    { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value()) },
  ];
  return new Map([
    fn("always", () => true),
    fn("cancelled", () => status.runCancelled),
    fn("failure", () => status.ancestors.includes("failure")),
    fn("success", () => !status.runCancelled && status.needs.every((r) => r === "success")),
  ]);
}

const CONTEXTS = [
  "github",
  "inputs",
  "needs",
  "steps",
  "secrets",
  "env",
  "vars",
  "job",
  "runner",
  "strategy",
  "matrix",
];

/** Evaluates one expression (without `${{ }}`) against contexts. */
export function evaluate(expression: string, contexts: Record<string, unknown>, status?: JobStatus): unknown {
  const functions = statusFunctions(status ?? { needs: [], ancestors: [], runCancelled: false });
  const tokens = new Lexer(expression).lex();
  const infos = [...functions.values()].map(({ name, minArgs, maxArgs }) => ({ name, minArgs, maxArgs }));
  const ast = new Parser(tokens.tokens, CONTEXTS, infos).parse();
  const dict = new data.Dictionary();
  for (const [k, v] of Object.entries(contexts)) dict.add(k, toData(v));
  return fromData(new Evaluator(ast, dict, functions).evaluate());
}

/** True when an expression references a status function (else GitHub wraps it in success() && ...). */
export function hasStatusFunction(expression: string): boolean {
  return /\b(always|success|failure|cancelled)\s*\(/.test(expression);
}

/** A job `if:` as GitHub decides it: implicit success() unless a status function is used. */
export function jobCondition(ifText: unknown, contexts: Record<string, unknown>, status: JobStatus): boolean {
  if (ifText === undefined || ifText === null) return evaluate("success()", contexts, status) === true;
  let text = String(ifText).trim();
  const whole = /^\$\{\{([\s\S]*)\}\}$/.exec(text);
  if (whole) text = whole[1].trim();
  const expr = hasStatusFunction(text) ? text : `success() && (${text})`;
  return truthy(evaluate(expr, contexts, status));
}

function truthy(v: unknown): boolean {
  return !(v === false || v === null || v === 0 || v === "" || v === undefined);
}

/** Replaces every `${{ expr }}` in a string (as GitHub does for `with:`, `env:` and outputs). */
export function interpolate(text: string, contexts: Record<string, unknown>): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => {
    const v = evaluate(expr.trim(), contexts);
    if (v === null || v === undefined) return "";
    return typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v, null, 2) : String(v);
  });
}
