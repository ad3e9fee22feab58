import {
  branchNotTaken,
  type ExecutionRecord,
  formatDuration,
  type Pipeline,
  renderMermaid,
} from "@capstan/core";

const ICON: Record<string, string> = {
  SUCCEEDED: "✅",
  FAILED_CONTINUE: "⚠️",
  TERMINAL: "❌",
  STOPPED: "⏹️",
  CANCELED: "🚫",
  SKIPPED: "⏭️",
  RUNNING: "⏳",
  NOT_STARTED: "·",
};

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** Judge and comment of a judgment stage, as the gate job recorded them. */
export function judgmentOf(stage: ExecutionRecord["stages"][number]): { judge: string; comment: string } {
  const c = stage.context;
  const judge = String(c.judgedBy ?? c.lastModifiedBy ?? "");
  return { judge, comment: String(c.judgmentComment ?? "") };
}

/** The final job's summary: result, stage graph with statuses, stage table, failures. */
export function renderSummary(
  pipeline: Pipeline,
  record: ExecutionRecord,
  notes: readonly string[] = [],
): string {
  const lines: string[] = [];
  lines.push(`## ${ICON[record.status] ?? ""} ${cell(pipeline.name)}: ${record.status}`, "");
  if (record.id) lines.push(`Execution \`${record.id}\``, "");
  for (const note of notes) lines.push(`> ${note}`, "");
  // A branch gate that was not taken is STOPPED in the record, but no failure: shown as not taken.
  const notTaken = new Map(
    record.stages.flatMap((s) => {
      const why = branchNotTaken(s, record);
      return why === undefined ? [] : [[s.refId, why] as const];
    }),
  );
  const statuses = new Map(
    record.stages.map((s) => [s.refId, notTaken.has(s.refId) ? "NOT_TAKEN" : (s.status as string)]),
  );
  lines.push("```mermaid", renderMermaid(pipeline, statuses), "```", "");
  lines.push(
    "| Stage | Type | Status | Duration | Judge | Comment |",
    "| --- | --- | --- | --- | --- | --- |",
  );
  for (const s of record.stages) {
    const duration =
      s.startTime !== undefined && s.endTime !== undefined ? formatDuration(s.endTime - s.startTime) : "";
    const j = s.type === "manualJudgment" ? judgmentOf(s) : { judge: "", comment: "" };
    const input =
      s.type === "manualJudgment" && s.context.judgmentInput ? ` (${String(s.context.judgmentInput)})` : "";
    const why = notTaken.get(s.refId);
    const status =
      why !== undefined ? `⏭️ not taken (${cell(why)})` : `${ICON[s.status] ?? ""} ${s.status}${cell(input)}`;
    lines.push(
      `| ${cell(s.name)} | ${s.type} | ${status} | ${duration} | ${cell(j.judge)} | ${cell(j.comment)} |`,
    );
  }
  const failures = record.stages.filter(
    (s) => s.error && s.status !== "SKIPPED" && s.status !== "SUCCEEDED" && !notTaken.has(s.refId),
  );
  if (failures.length > 0) {
    lines.push("", "### Failures", "");
    for (const s of failures) lines.push(`- **${cell(s.name)}** (${s.status}): ${cell(s.error ?? "")}`);
  }
  for (const s of record.stages) if (s.type === "canaryAnalysis") lines.push(...canarySection(s));
  if (record.canceled && record.cancellationReason)
    lines.push("", `Canceled: ${cell(record.cancellationReason)}`);
  return `${lines.join("\n")}\n`;
}

const num = (v: unknown) =>
  typeof v === "number" && Number.isFinite(v) ? String(Math.round(v * 1e4) / 1e4) : "";

/**
 * A canary analysis: each run's score as a chart (Mermaid xychart, with the marginal and pass
 * thresholds as lines) and the last run's metrics as a table (classification, reason, medians).
 */
export function canarySection(s: ExecutionRecord["stages"][number]): string[] {
  const o = s.outputs ?? {};
  const scores = Array.isArray(o.canaryScores) ? (o.canaryScores as number[]) : [];
  if (scores.length === 0 && typeof o.canaryScoreMessage !== "string") return [];
  const judge = (o.judgeResult ?? {}) as {
    thresholds?: { marginal?: number; pass?: number };
    results?: {
      name?: string;
      tags?: Record<string, string>;
      classification?: string;
      classificationReason?: string;
      critical?: boolean;
      muted?: boolean;
      controlMetadata?: { stats?: { median?: number; count?: number } };
      experimentMetadata?: { stats?: { median?: number; count?: number } };
    }[];
  };
  const out = ["", `### Canary analysis: ${cell(s.name)}`, ""];
  const result = typeof o.overallResult === "string" ? o.overallResult : s.status;
  out.push(
    `**${cell(result)}**${scores.length > 0 ? `, score ${scores.at(-1)} (runs: ${scores.join(", ")})` : ""}${typeof o.canaryScoreMessage === "string" ? `: ${cell(o.canaryScoreMessage)}` : ""}`,
    "",
  );
  if (scores.length > 0) {
    const t = judge.thresholds ?? {};
    const runs = scores.map((_, i) => String(i + 1)).join(", ");
    out.push("```mermaid", "xychart-beta", '  title "Score of each canary run"', `  x-axis "run" [${runs}]`);
    out.push('  y-axis "score" 0 --> 100', `  bar [${scores.join(", ")}]`);
    for (const v of [t.marginal, t.pass])
      if (typeof v === "number") out.push(`  line [${scores.map(() => v).join(", ")}]`);
    out.push("```", "");
  }
  const results = judge.results ?? [];
  if (results.length > 0) {
    out.push(
      "| Metric | Classification | Reason | Control median | Experiment median |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const r of results) {
      const tags = Object.entries(r.tags ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(", ");
      const flags = [r.critical ? "critical" : "", r.muted ? "muted" : ""].filter(Boolean).join(", ");
      out.push(
        `| ${cell(`${r.name ?? ""}${tags ? ` (${tags})` : ""}`)} | ${cell(`${r.classification ?? ""}${flags ? ` (${flags})` : ""}`)} | ${cell(r.classificationReason ?? "")} | ${num(r.controlMetadata?.stats?.median)} | ${num(r.experimentMetadata?.stats?.median)} |`,
      );
    }
  }
  return out;
}
