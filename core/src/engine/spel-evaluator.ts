import {
  createEvaluationContext,
  type EvaluationContext,
  evaluateExpression,
  evaluateTemplate,
  evaluateTree,
  fetchUrlChecked,
  type StageView,
  type UrlFetcher,
  type UrlResponse,
  urlUnderAllowList,
} from "../expr/index.js";
import type { ConditionResult, ExpressionEvaluator, ExpressionScope } from "./expressions.js";
import type { ExpressionSummary, StageRecord } from "./record.js";

function view(s: StageRecord): StageView {
  return {
    id: s.refId,
    name: s.name,
    type: s.type,
    status: s.status,
    context: s.context,
    outputs: s.outputs,
    startTime: s.startTime ?? null,
    endTime: s.endTime ?? null,
  };
}

function context(scope: ExpressionScope, responses: ReadonlyMap<string, UrlResponse>): EvaluationContext {
  return createEvaluationContext({
    root: { ...scope.root, secrets: scope.secrets },
    host: { stages: () => scope.execution.stages.map(view), currentStageId: scope.stage?.refId },
    urls: { enabled: scope.allowUrls === true, responses },
    now: () => scope.now,
  });
}

function toSummary(
  summary: Record<
    string,
    { level: "ERROR" | "INFO"; description: string; exceptionType?: string; timestamp?: number }[]
  >,
  now: number,
): ExpressionSummary {
  const out: ExpressionSummary = {};
  for (const [k, list] of Object.entries(summary)) {
    out[k] = list.map((e) => ({ ...e, timestamp: e.timestamp ?? now }));
  }
  return out;
}

/**
 * The engine's view of Capstan's expression language (`core/src/expr`). URL functions read
 * bodies fetched beforehand by `fetchUrls` (through `fetcher`, after Orca's URL restrictions and
 * the pipeline's `urlAllowList`); responses are kept for the life of the evaluator.
 */
export class SpelEvaluator implements ExpressionEvaluator {
  private readonly responses = new Map<string, UrlResponse>();

  constructor(private readonly fetcher?: UrlFetcher) {}

  evaluateTree(
    value: unknown,
    scope: ExpressionScope,
  ): { value: unknown; summary: ExpressionSummary; pendingUrls?: string[] } {
    const result = evaluateTree(value, context(scope, this.responses));
    const pendingUrls = this.fetcher ? result.pendingUrls : [];
    return {
      value: result.value,
      summary: toSummary(result.summary, scope.now),
      ...(pendingUrls.length ? { pendingUrls } : {}),
    };
  }

  async fetchUrls(urls: readonly string[], scope: ExpressionScope): Promise<void> {
    const fetcher = this.fetcher;
    if (!fetcher) return;
    await Promise.all(
      urls.map(async (url) => {
        if (this.responses.has(url)) return;
        const allowList = scope.urlAllowList;
        if (allowList && allowList.length > 0 && !urlUnderAllowList(url, allowList)) {
          this.responses.set(url, { ok: false, error: `${url} is not under expressions.urlAllowList` });
          return;
        }
        // The same checks as evaluateTreeWithUrls; loopback only with the engine's test switch.
        const policy = { allowLoopbackAddresses: scope.allowLoopbackUrls === true };
        this.responses.set(url, await fetchUrlChecked(url, policy, fetcher));
      }),
    );
  }

  evaluateCondition(text: string, scope: ExpressionScope): ConditionResult {
    const ctx = context(scope, this.responses);
    // URLs to fetch before evaluating again (only when this evaluator can fetch).
    const pending = (urls: string[]) => (this.fetcher && urls.length > 0 ? { pendingUrls: urls } : {});
    if (text.includes("${")) {
      const result = evaluateTemplate(text, ctx);
      const failures = Object.entries(result.summary);
      if (failures.length > 0) {
        const [expr, entries] = failures[0];
        return {
          ok: false,
          error: entries[0]?.description ?? `${expr} failed`,
          ...pending(result.pendingUrls),
        };
      }
      return { ok: true, value: result.value };
    }
    const outcome = evaluateExpression(text, ctx);
    return outcome.ok
      ? { ok: true, value: outcome.value }
      : { ok: false, error: outcome.message, ...pending(outcome.pendingUrls) };
  }
}
