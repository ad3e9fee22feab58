// Runs the language-neutral case files in testdata/: each case is {expr, context?, result} or
// {expr, context?, error}, plus optional stages/urls/limits for functions that need a host.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  createEvaluationContext,
  type EvaluationLimits,
  evaluateExpression,
  evaluateTemplate,
  type StageView,
  type UrlResponse,
} from "./index.js";

interface Case {
  name?: string;
  expr: string;
  /** Evaluate `expr` as a template string (with `${ }`) instead of a bare expression. */
  template?: boolean;
  context?: unknown;
  stages?: StageView[];
  currentStage?: string;
  pipelines?: Record<string, string>;
  /** Prefetched URL bodies (string) or failures ({error}); presence enables URL functions. */
  urls?: Record<string, string | { error: string }>;
  urlsEnabled?: boolean;
  limits?: Partial<EvaluationLimits>;
  result?: unknown;
  /** Substring of "<exceptionType>: <message>". */
  error?: string;
  /** Template summary as {key: ["ERROR:<exceptionType>" | "INFO"]}. */
  summary?: Record<string, string[]>;
  /** Time limit for this case (hostile inputs must be refused quickly). */
  maxMs?: number;
}

const dir = new URL("./testdata/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".json"));

function contextFor(c: Case) {
  const responses = new Map<string, UrlResponse>();
  for (const [url, body] of Object.entries(c.urls ?? {}))
    responses.set(url, typeof body === "string" ? { ok: true, body } : { ok: false, error: body.error });
  return createEvaluationContext({
    root: c.context ?? {},
    host: {
      stages: () => c.stages ?? [],
      currentStageId: c.currentStage,
      pipelineId: (name) => c.pipelines?.[name],
    },
    urls: { enabled: c.urlsEnabled ?? c.urls !== undefined, responses },
    limits: c.limits,
  });
}

describe.each(files)("%s", (file) => {
  const cases = JSON.parse(readFileSync(new URL(file, dir), "utf8")) as Case[];
  it.each(
    cases.map(
      (c, i) => [c.name ?? (c.expr.length > 80 ? `${c.expr.slice(0, 77)}...` : c.expr), i, c] as const,
    ),
  )("%s (#%i)", (_label, _i, c) => {
    expect("result" in c !== "error" in c || c.template).toBe(true);
    const started = performance.now();
    if (c.template) {
      const out = evaluateTemplate(c.expr, contextFor(c));
      expect(out.value).toEqual(c.result);
      const summary = Object.fromEntries(
        Object.entries(out.summary).map(([k, entries]) => [
          k,
          entries.map((e) => (e.level === "INFO" ? "INFO" : `ERROR:${e.exceptionType}`)),
        ]),
      );
      expect(summary).toEqual(c.summary ?? {});
    } else {
      const out = evaluateExpression(c.expr, contextFor(c));
      if ("error" in c) {
        expect(out.ok, `expected an error, got ${JSON.stringify(out)}`).toBe(false);
        if (!out.ok) expect(`${out.exceptionType}: ${out.message}`).toContain(c.error);
      } else {
        expect(out).toEqual({ ok: true, value: c.result, pendingUrls: [] });
      }
    }
    expect(performance.now() - started).toBeLessThan(c.maxMs ?? 2000);
    // No case may leave anything on the shared prototypes.
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
  });
});
