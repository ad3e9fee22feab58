import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  type CanaryJudgeResult,
  type Diagnostic,
  didYouMean,
  judgeCanary,
  LENIENT_MATCH,
  loadCanaryConfig,
  loadMetricSetPairs,
  SourceText,
} from "@capstan/core";
import { formatHuman } from "../format-diagnostics.js";
import { type CliIo, UsageError } from "../io.js";

export const canaryHelp = `Usage: capstan canary judge --config CONFIG --metric-set-pairs PAIRS.json
                            [--marginal 50] [--pass 75] [--json]

Judges a canary offline with Kayenta's NetflixACAJudge: each metric of the canary config CONFIG
(Kayenta's canary-config JSON, or the same as YAML) is compared between control and experiment
in PAIRS.json (Kayenta's MetricSetPair list: [{name, tags, values: {control: [...], experiment:
[...]}}]; NaN as null or "NaN"; '-' reads standard input), then the results are scored by group.

Prints each metric's classification (Pass, High, Low, Nodata, NodataFailMetric, Error), why, and
the control and experiment medians, then the group scores and the score; --json prints Kayenta's
result shape (NaN as null).

  --marginal N   scores at or above N (and below pass) are Marginal (default: the config's
                 classifier.scoreThresholds, else 50)
  --pass N       scores at or above N are Pass (default: the config's, else 75)
  --json         the judge's result as JSON

Exit status: 0 Pass, 1 Marginal or Fail, 2 bad input.
`;

const SUBCOMMANDS = ["judge"];

/** `capstan canary <subcommand>`: canary analysis tools (today: judge). */
export async function canaryCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined)
    throw new UsageError(`which canary command? ${SUBCOMMANDS.join(", ")}.\n\n${canaryHelp}`);
  if (sub !== "judge")
    throw new UsageError(
      `unknown canary command '${sub}'.${didYouMean(sub, SUBCOMMANDS, "'", LENIENT_MATCH) || ` The canary commands: ${SUBCOMMANDS.join(", ")}.`}`,
    );
  return canaryJudge(rest, io);
}

async function canaryJudge(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: "string" },
      "metric-set-pairs": { type: "string" },
      marginal: { type: "string" },
      pass: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'.`);
  if (!values.config)
    throw new UsageError("--config CONFIG is required (a Kayenta canary config, JSON or YAML).");
  const pairsPath = values["metric-set-pairs"];
  if (!pairsPath)
    throw new UsageError("--metric-set-pairs PAIRS.json is required (Kayenta's MetricSetPair list).");
  const marginal = threshold("--marginal", values.marginal);
  const pass = threshold("--pass", values.pass);
  if (marginal !== undefined && pass !== undefined) checkOrder(marginal, pass);

  const configText = readFileSync(resolve(io.cwd, values.config), "utf8");
  const loaded = loadCanaryConfig(configText, values.config);
  const colour = io.isTTY;
  report(io, new SourceText(configText, values.config), loaded.diagnostics, colour);
  if (!loaded.config) return 2;
  const config = loaded.config;

  const pairsText =
    pairsPath === "-" ? await readStdin(io) : readFileSync(resolve(io.cwd, pairsPath), "utf8");
  const pairsName = pairsPath === "-" ? "<stdin>" : pairsPath;
  const pairs = loadMetricSetPairs(pairsText, pairsName, { metrics: config.metrics.map((m) => m.name) });
  report(io, new SourceText(pairsText, pairsName), pairs.diagnostics, colour);
  if (!pairs.pairs) return 2;

  const configured = config.classifier?.scoreThresholds ?? {};
  const thresholds = { marginal: marginal ?? configured.marginal ?? 50, pass: pass ?? configured.pass ?? 75 };
  checkOrder(thresholds.marginal, thresholds.pass);
  const result = judgeCanary(config, pairs.pairs, thresholds);
  io.stdout(values.json ? `${JSON.stringify(result, null, 2)}\n` : renderResult(result));
  return result.score.classification === "Pass" ? 0 : 1;
}

function threshold(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0 || n > 100)
    throw new UsageError(`${flag} must be a number from 0 to 100, not '${text}'.`);
  return n;
}

function checkOrder(marginal: number, pass: number): void {
  if (marginal > pass)
    throw new UsageError(
      `the marginal threshold (${marginal}) must be at most the pass threshold (${pass}).`,
    );
}

function report(io: CliIo, source: SourceText, diagnostics: readonly Diagnostic[], colour: boolean): void {
  if (diagnostics.length > 0) io.stderr(formatHuman(source, diagnostics, colour));
}

async function readStdin(io: CliIo): Promise<string> {
  if (!io.readStdin) throw new UsageError("standard input is not available here; pass a file.");
  return io.readStdin();
}

/** The table of metrics, the group scores and the score. */
export function renderResult(result: CanaryJudgeResult): string {
  const rows = result.results.map((r) => {
    const tags = Object.entries(r.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    const median = (stats: { count: number; median: number }) =>
      stats.count === 0 ? "-" : number(stats.median);
    return [
      `${r.name}${tags ? ` {${tags}}` : ""}${r.muted ? " (muted)" : ""}`,
      `${r.classification}${r.critical ? " (critical)" : ""}`,
      median(r.controlMetadata.stats),
      median(r.experimentMetadata.stats),
      // The table names the metric already.
      r.classificationReason.startsWith(`${r.name}: `)
        ? r.classificationReason.slice(r.name.length + 2)
        : r.classificationReason,
    ];
  });
  const header = ["metric", "classification", "control median", "experiment median", "reason"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    `${cells
      .map((c, i) =>
        i === cells.length - 1 ? c : i === 2 || i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]),
      )
      .join("  ")}`.trimEnd();
  const out = [line(header), ...rows.map(line), ""];
  if (result.groupScores.length > 0) {
    out.push("group scores:");
    for (const g of result.groupScores)
      out.push(`  ${g.name}: ${g.noData ? "no metric counts (summed as 100)" : number(g.score)}`);
    out.push("");
  }
  const { score } = result;
  const t = result.thresholds;
  out.push(`score ${number(score.score)}: ${score.classification} (marginal ${t.marginal}, pass ${t.pass})`);
  if (score.classificationReason) out.push(score.classificationReason);
  return `${out.join("\n")}\n`;
}

function number(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}
