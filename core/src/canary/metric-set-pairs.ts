// Reads a list of Kayenta MetricSetPairs ([{name, id?, tags?, values: {control, experiment}}], as
// Kayenta stores them) from JSON or YAML. Values are numbers; NaN may be written null, "NaN" or
// .nan (JSON has no NaN), infinities "Infinity"/"+Inf"/"-Inf" or .inf. Large files take the fast
// path (JSON.parse and a plain check); anything wrong is reported from the YAML loader's tree,
// with the line and column of the value at fault. Never throws on bad input.
import { type Diagnostic, diagnostic, hasErrors, type Span } from "../diagnostics/diagnostic.js";
import { closest } from "../diagnostics/did-you-mean.js";
import { loadYaml, type PathSegment } from "../loader/yaml-loader.js";
import type { MetricSetPair } from "./judge.js";

const PAIR_FIELDS = new Set(["name", "id", "tags", "values", "scopes", "attributes"]);

/** A sample value as written, or undefined when it is not one. */
function sampleValue(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (v === null) return Number.NaN;
  if (typeof v !== "string") return undefined;
  switch (v.trim()) {
    case "NaN":
      return Number.NaN;
    case "Infinity":
    case "+Infinity":
    case "Inf":
    case "+Inf":
      return Number.POSITIVE_INFINITY;
    case "-Infinity":
    case "-Inf":
      return Number.NEGATIVE_INFINITY;
    default:
      return undefined;
  }
}

interface Problem {
  path: PathSegment[];
  message: string;
  code: string;
  /** Point at the key rather than the value. */
  atKey?: boolean;
  severity?: "error" | "warning";
}

/** Checks the data; returns the pairs when nothing is wrong. */
function check(data: unknown, problems: Problem[], metrics?: readonly string[]): MetricSetPair[] | undefined {
  if (!Array.isArray(data)) {
    problems.push({
      path: [],
      code: "pairs-shape",
      message:
        "A metric set pairs file must be a list of pairs: [{name, values: {control: [...], experiment: [...]}}].",
    });
    return undefined;
  }
  const pairs: MetricSetPair[] = [];
  data.forEach((item, i) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      problems.push({
        path: [i],
        code: "pairs-shape",
        message: `Pair ${i + 1} must be a map with 'name' and 'values'.`,
      });
      return;
    }
    const record = item as Record<string, unknown>;
    for (const key of Object.keys(record))
      if (!PAIR_FIELDS.has(key))
        problems.push({
          path: [i, key],
          atKey: true,
          code: "pairs-unknown-field",
          severity: "warning",
          message: `Unknown field '${key}' in pair ${i + 1} (a pair has name, id, tags, values, scopes, attributes); it is ignored.`,
        });
    const name = record.name;
    if (typeof name !== "string" || name === "") {
      problems.push({
        path: name === undefined ? [i] : [i, "name"],
        code: "pairs-name",
        message: `Pair ${i + 1} needs 'name', the canary config metric it belongs to (text).`,
      });
    } else if (metrics && !metrics.includes(name)) {
      const near = closest(name, metrics);
      problems.push({
        path: [i, "name"],
        code: "pairs-unknown-metric",
        message: `The canary config has no metric named '${name}'${near ? `. Did you mean '${near}'?` : ` (its metrics: ${metrics.join(", ")}).`}`,
      });
    }
    if (record.id !== undefined && typeof record.id !== "string")
      problems.push({ path: [i, "id"], code: "pairs-id", message: `'id' of pair ${i + 1} must be text.` });
    let tags: Record<string, string> | undefined;
    if (record.tags !== undefined && record.tags !== null) {
      if (typeof record.tags !== "object" || Array.isArray(record.tags)) {
        problems.push({
          path: [i, "tags"],
          code: "pairs-tags",
          message: `'tags' of pair ${i + 1} must be a map of text.`,
        });
      } else {
        tags = {};
        for (const [k, v] of Object.entries(record.tags as Record<string, unknown>)) {
          if (typeof v === "string") tags[k] = v;
          else if (typeof v === "number" || typeof v === "boolean") tags[k] = String(v);
          else
            problems.push({
              path: [i, "tags", k],
              code: "pairs-tags",
              message: `Tag '${k}' of pair ${i + 1} must be text.`,
            });
        }
      }
    }
    const values = record.values;
    if (typeof values !== "object" || values === null || Array.isArray(values)) {
      problems.push({
        path: values === undefined ? [i] : [i, "values"],
        code: "pairs-values",
        message: `Pair ${i + 1} needs 'values': {control: [numbers], experiment: [numbers]}.`,
      });
      return;
    }
    const sides: Partial<Record<"control" | "experiment", number[]>> = {};
    for (const side of ["control", "experiment"] as const) {
      const list = (values as Record<string, unknown>)[side];
      if (!Array.isArray(list)) {
        problems.push({
          path: list === undefined ? [i, "values"] : [i, "values", side],
          code: "pairs-values",
          message: `'values' of pair ${i + 1} needs '${side}', a list of numbers (NaN as null or "NaN").`,
        });
        continue;
      }
      const out = new Array<number>(list.length);
      for (let k = 0; k < list.length; k++) {
        const v = sampleValue(list[k]);
        if (v === undefined) {
          problems.push({
            path: [i, "values", side, k],
            code: "pairs-value",
            message: `Value ${k + 1} of '${side}' in pair ${i + 1} is not a number: ${JSON.stringify(list[k])}. Write a number, or null / "NaN" for a missing one.`,
          });
          if (problems.length > 50) return;
        } else out[k] = v;
      }
      sides[side] = out;
    }
    if (typeof name === "string" && name !== "" && sides.control && sides.experiment) {
      const pair: MetricSetPair = { name, values: { control: sides.control, experiment: sides.experiment } };
      if (typeof record.id === "string") pair.id = record.id;
      if (tags) pair.tags = tags;
      pairs.push(pair);
    }
  });
  return problems.some((p) => p.severity !== "warning") ? undefined : pairs;
}

/**
 * Reads a metric set pairs file; `pairs` is set when there is no error. With `metrics` (the canary
 * config's metric names), a pair naming another metric is an error.
 */
export function loadMetricSetPairs(
  text: string,
  path: string,
  options: { metrics?: readonly string[] } = {},
): { pairs?: MetricSetPair[]; diagnostics: Diagnostic[] } {
  // Fast path: plain JSON with nothing to report.
  try {
    const problems: Problem[] = [];
    const pairs = check(JSON.parse(text), problems, options.metrics);
    if (pairs && problems.length === 0) return { pairs, diagnostics: [] };
  } catch {
    // Not JSON (YAML, or a syntax error the YAML loader will place).
  }
  const doc = loadYaml(text, path, { maxAliasNodes: 1_000_000 });
  if (hasErrors(doc.diagnostics)) return { diagnostics: doc.diagnostics };
  const problems: Problem[] = [];
  const pairs = check(doc.value, problems, options.metrics);
  const span = (p: Problem): Span => {
    for (let n = p.path.length; n >= 0; n--) {
      const location = doc.locate(p.path.slice(0, n));
      if (!location) continue;
      if (p.atKey && n === p.path.length && location.key) return location.key;
      return location.value;
    }
    return { start: 0, end: 0 };
  };
  const diagnostics = [
    ...doc.diagnostics,
    ...problems.map((p) => diagnostic(p.code, p.severity ?? "error", p.message, span(p))),
  ];
  return pairs ? { pairs, diagnostics } : { diagnostics };
}
