// The two sides of the SpEL differential test: Spring's SpEL through our Java oracle
// (SpelOracle.java, one JVM for the whole corpus) and Capstan's evaluator, both rendered in the same
// canonical form so they can be compared.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { createEvaluationContext, newState } from "../../core/src/expr/context.js";
import { compileExpression, evaluateValue } from "../../core/src/expr/evaluator.js";
import { evaluateTemplate } from "../../core/src/expr/template-eval.js";
import { doubleToString, ExprError, isMap, JavaDouble, type Value } from "../../core/src/expr/values.js";

const here = new URL(".", import.meta.url).pathname;
const root = join(here, "..", "..");
export const ORACLE_SOURCE = join(here, "SpelOracle.java");
export const ORACLE_BUILD = join(root, "test-results", "spel-oracle");

/** Jars the oracle needs, each found at the first path that exists (Debian's locations). */
const JARS: Record<string, string[]> = {
  "spring-expression": [
    "/usr/share/java/spring3-expression.jar",
    "/usr/share/maven-repo/org/springframework/spring-expression/debian/spring-expression-debian.jar",
  ],
  "spring-core": [
    "/usr/share/java/spring3-core.jar",
    "/usr/share/maven-repo/org/springframework/spring-core/debian/spring-core-debian.jar",
  ],
  "commons-logging": ["/usr/share/java/commons-logging.jar"],
  "jackson-databind": ["/usr/share/java/jackson-databind.jar"],
  "jackson-core": ["/usr/share/java/jackson-core.jar"],
  "jackson-annotations": ["/usr/share/java/jackson-annotations.jar"],
  snakeyaml: ["/usr/share/java/snakeyaml.jar"],
};

export type OracleSetup = { ok: true; classpath: string } | { ok: false; reason: string };

const hasCommand = (cmd: string) => spawnSync(cmd, ["-version"], { stdio: "ignore" }).status === 0;

/** Finds java, javac and the jars (or SPEL_ORACLE_CLASSPATH), and compiles the oracle if it changed. */
export function setUpOracle(): OracleSetup {
  const fix = "run scripts/install-spel-oracle.sh (as root) to install them";
  for (const cmd of ["java", "javac"])
    if (!hasCommand(cmd)) return { ok: false, reason: `${cmd} is not installed; ${fix}` };
  let jars: string[];
  if (process.env.SPEL_ORACLE_CLASSPATH) jars = process.env.SPEL_ORACLE_CLASSPATH.split(":");
  else {
    jars = [];
    const missing: string[] = [];
    for (const [name, candidates] of Object.entries(JARS)) {
      const found = candidates.find((p) => existsSync(p));
      if (found) jars.push(found);
      else missing.push(name);
    }
    if (missing.length) return { ok: false, reason: `missing jars: ${missing.join(", ")}; ${fix}` };
  }
  const classFile = join(ORACLE_BUILD, "SpelOracle.class");
  if (!existsSync(classFile) || statSync(classFile).mtimeMs < statSync(ORACLE_SOURCE).mtimeMs) {
    // Compile into a fresh directory and move it into place, so a concurrent run never sees half a build.
    const tmp = `${ORACLE_BUILD}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const javac = spawnSync("javac", ["-nowarn", "-d", tmp, "-cp", jars.join(":"), ORACLE_SOURCE], {
      encoding: "utf8",
    });
    if (javac.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      return { ok: false, reason: `javac failed:\n${javac.stderr}` };
    }
    rmSync(ORACLE_BUILD, { recursive: true, force: true });
    renameSync(tmp, ORACLE_BUILD);
  }
  return { ok: true, classpath: [ORACLE_BUILD, ...jars].join(":") };
}

/** What one side answered for a case. */
export interface Outcome {
  ok: boolean;
  /** Canonical rendering of the value (see repr). */
  repr?: string;
  /** The oracle's Java class of the value. */
  javaType?: string;
  /** Error text (the side's own wording; only the fact of failing is compared). */
  error?: string;
  /** Templates: {key: levels} of the evaluation summary. */
  summary?: Record<string, string[]>;
}

export interface OracleCase {
  id: string;
  expr: string;
  template?: boolean;
  context?: unknown;
}

/**
 * A corpus file: a JSON array with one case per line. Each case keeps its line (`raw`), which is
 * what the oracle reads, so that its context keeps the JSON text: `2.0` stays a Double for Java,
 * while JavaScript's JSON.parse, like the engine, makes it the number 2.
 */
export function loadCorpus<T extends OracleCase>(file: URL): (T & { raw: string })[] {
  const text = readFileSync(file, "utf8");
  const cases = text
    .split("\n")
    .map((line) => line.trim().replace(/,$/, ""))
    .filter((line) => line.startsWith("{"))
    .map((raw) => ({ ...(JSON.parse(raw) as T), raw }));
  const all = JSON.parse(text) as unknown[];
  if (all.length !== cases.length) throw new Error(`${file.pathname}: write one case per line`);
  return cases;
}

/** Runs every case (its raw JSON line) through one JVM. */
export function runOracle(classpath: string, cases: readonly { raw: string }[]): Map<string, Outcome> {
  const input = cases.map((c) => c.raw).join("\n");
  // --add-opens: Spring 4.3 calls a method through the runtime class, and on Java 17 the methods of
  // java.util's private classes (the unmodifiable list an inline `{1, 2}` is) are then inaccessible,
  // so `{1, 2}.size()` would fail; Spring 5.3 calls them through their public interface and works.
  const run = spawnSync(
    "java",
    [
      "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1",
      "-Xss8m",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "-cp",
      classpath,
      "SpelOracle",
    ],
    { input: `${input}\n`, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 180_000 },
  );
  if (run.status !== 0) throw new Error(`the SpEL oracle failed (${run.status}):\n${run.stderr}`);
  const out = new Map<string, Outcome>();
  for (const line of run.stdout.split("\n")) {
    if (!line.trim()) continue;
    const { id, ...rest } = JSON.parse(line) as Outcome & { id: string };
    out.set(id, rest);
  }
  return out;
}

/**
 * The canonical rendering both sides share: whole numbers as digits, decimals with Java's
 * Double.toString and a `d`, strings JSON-quoted, lists `[a,b]`, maps `{"k":v}` in order.
 */
export function repr(v: Value): string {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean") return String(v);
  if (v instanceof JavaDouble) return `${doubleToString(v.value)}d`;
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : `${doubleToString(v)}d`;
  if (Array.isArray(v)) return `[${v.map(repr).join(",")}]`;
  if (isMap(v))
    return `{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${repr(v[k])}`)
      .join(",")}}`;
  return `<unknown:${String(v)}>`;
}

/**
 * Capstan's answer. Expressions go through the evaluator's own value (so a double stays a double);
 * templates through evaluateTemplate, the function the engine uses for every string. The context is
 * plain JSON as the engine holds data today (JSON.parse: `2.0` is the number 2).
 */
export function capstanOutcome(c: OracleCase): Outcome {
  const ctx = createEvaluationContext({ root: c.context ?? {} });
  if (c.template) {
    const result = evaluateTemplate(c.expr, ctx);
    const summary: Record<string, string[]> = {};
    for (const [key, entries] of Object.entries(result.summary)) summary[key] = entries.map((e) => e.level);
    return { ok: true, repr: repr(result.value as Value), summary };
  }
  try {
    return { ok: true, repr: repr(evaluateValue(compileExpression(c.expr), newState(ctx))) };
  } catch (e) {
    const err = e as ExprError;
    return { ok: false, error: e instanceof ExprError ? `${err.exceptionType}: ${err.message}` : String(e) };
  }
}

/** Whether two outcomes agree: same value, or both failed; templates also need the same summary. */
export function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.ok !== b.ok) return false;
  if (!a.ok) return true;
  if (a.repr !== b.repr) return false;
  if (a.summary || b.summary) return JSON.stringify(a.summary ?? {}) === JSON.stringify(b.summary ?? {});
  return true;
}

export const describeOutcome = (o: Outcome): string =>
  o.ok
    ? `${o.repr}${o.javaType ? ` (${o.javaType})` : ""}${o.summary && Object.keys(o.summary).length ? ` summary ${JSON.stringify(o.summary)}` : ""}`
    : `error: ${o.error}`;

/** The ids of the difference table in docs/expressions.md (rows starting with | `id` |). */
export function documentedDifferences(): Map<string, string> {
  const doc = readFileSync(join(root, "docs", "expressions.md"), "utf8");
  const section = doc.split(/^## /m).find((s) => s.startsWith("Differences from Spinnaker"));
  const ids = new Map<string, string>();
  for (const line of (section ?? "").split("\n")) {
    const m = /^\|\s*`([a-z0-9-]+)`\s*\|\s*([^|]*)\|/.exec(line);
    if (m) ids.set(m[1], m[2].trim());
  }
  return ids;
}
