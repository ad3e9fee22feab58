import { type HttpClient, HttpTransportError } from "../../engine/ports.js";

/** One series of a `query_range` answer: its labels (without `__name__`) and values in time order. */
export interface PrometheusSeries {
  /** The metric name (`__name__`), absent for computed expressions. */
  name?: string;
  labels: Record<string, string>;
  /** Unix seconds of each value. */
  timestamps: number[];
  /** `"NaN"`, `"+Inf"`, `"-Inf"` become the doubles they name. */
  values: number[];
}

export interface PrometheusSource {
  /** Base URL, e.g. `http://127.0.0.1:9090` (a path prefix is kept). */
  url: string;
  headers?: Readonly<Record<string, string>>;
  /** The whole request, connection to last byte (default 30 s). */
  timeoutMs?: number;
}

export interface RangeQuery {
  query: string;
  /** Epoch ms; sent as RFC 3339 instants, as Kayenta does. */
  start: number;
  end: number;
  stepSeconds: number;
}

export type RangeResult = { series: PrometheusSeries[] } | { error: string };

const DEFAULT_TIMEOUT_MS = 30_000;

/** `base` + `path`, keeping any path prefix of the base (`http://host/prom` + `/api/v1/...`). */
function endpoint(base: string, path: string, params?: Record<string, string>): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${path}`;
  if (params) for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** Why a request did not get an answer, for a stage error. */
function transportProblem(source: PrometheusSource, error: unknown): string {
  const timeoutMs = source.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (error instanceof HttpTransportError) {
    if (error.kind === "timeout") return `Prometheus at ${source.url} did not answer within ${timeoutMs} ms`;
    if (error.kind === "refused")
      return `Prometheus at ${source.url} is not reachable (connection refused): is it running?`;
    if (error.kind === "unknown-host") return `Prometheus at ${source.url}: unknown host`;
    return `Prometheus at ${source.url}: ${error.message}`;
  }
  return `Prometheus at ${source.url}: ${(error as Error)?.message ?? String(error)}`;
}

function parseValue(text: unknown): number {
  if (text === "NaN") return Number.NaN;
  if (text === "+Inf" || text === "Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  return typeof text === "string" || typeof text === "number" ? Number(text) : Number.NaN;
}

/** Reads a `/api/v1/query_range` answer (any status); an error answer is named with its type. */
export function parseRangeAnswer(status: number, body: string): RangeResult {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    const snippet = body.trim().slice(0, 200);
    return {
      error: `HTTP ${status} with a body that is not Prometheus JSON${snippet ? `: ${snippet}` : ""}`,
    };
  }
  const d = data as {
    status?: string;
    errorType?: string;
    error?: string;
    data?: { resultType?: string; result?: unknown };
  };
  if (d.status !== "success") {
    const why = [d.errorType, d.error].filter((x) => typeof x === "string" && x !== "").join(": ");
    return { error: `HTTP ${status}, ${why || "status is not success"}` };
  }
  if (status < 200 || status >= 300) return { error: `HTTP ${status}` };
  const result = d.data?.result;
  if (d.data?.resultType !== "matrix" || !Array.isArray(result))
    return { error: `the answer is a ${d.data?.resultType ?? "?"}, not a matrix` };
  const series: PrometheusSeries[] = [];
  for (const item of result as { metric?: Record<string, string>; values?: [number, string][] }[]) {
    const { __name__: name, ...labels } = item.metric ?? {};
    const points = Array.isArray(item.values) ? item.values : [];
    series.push({
      ...(name !== undefined ? { name } : {}),
      labels,
      timestamps: points.map((p) => Number(p[0])),
      values: points.map((p) => parseValue(p[1])),
    });
  }
  return { series };
}

/**
 * `GET /api/v1/query_range?query=..&start=<RFC 3339>&end=<RFC 3339>&step=<seconds>` through the
 * injected HTTP client, with a whole-request timeout. Never throws: a Prometheus that is down, slow
 * or answers with an error gives `{ error }` saying which.
 */
export async function queryRange(
  http: HttpClient,
  source: PrometheusSource,
  q: RangeQuery,
  signal?: AbortSignal,
): Promise<RangeResult> {
  let url: string;
  try {
    url = endpoint(source.url, "/api/v1/query_range", {
      query: q.query,
      start: new Date(q.start).toISOString(),
      end: new Date(q.end).toISOString(),
      step: String(q.stepSeconds),
    });
  } catch {
    return { error: `'${source.url}' is not a URL` };
  }
  try {
    const res = await http.request({
      method: "GET",
      url,
      headers: { accept: "application/json", ...(source.headers ?? {}) },
      timeoutMs: source.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal,
    });
    const parsed = parseRangeAnswer(res.status, res.body);
    return "error" in parsed ? { error: `Prometheus at ${source.url}: ${parsed.error}` } : parsed;
  } catch (error) {
    return { error: transportProblem(source, error) };
  }
}

/** `GET /-/healthy`: undefined when healthy, else why not. */
export async function checkHealthy(
  http: HttpClient,
  source: PrometheusSource,
  signal?: AbortSignal,
): Promise<string | undefined> {
  try {
    const res = await http.request({
      method: "GET",
      url: endpoint(source.url, "/-/healthy"),
      headers: { ...(source.headers ?? {}) },
      timeoutMs: source.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal,
    });
    return res.status === 200 ? undefined : `Prometheus at ${source.url} is not healthy (HTTP ${res.status})`;
  } catch (error) {
    return transportProblem(source, error);
  }
}
