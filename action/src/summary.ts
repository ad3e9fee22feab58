import { type ExecutionRecord, formatDuration, type Pipeline, renderMermaid } from "@capstan/core";

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
  const statuses = new Map(record.stages.map((s) => [s.refId, s.status as string]));
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
    lines.push(
      `| ${cell(s.name)} | ${s.type} | ${ICON[s.status] ?? ""} ${s.status}${cell(input)} | ${duration} | ${cell(j.judge)} | ${cell(j.comment)} |`,
    );
  }
  const failures = record.stages.filter((s) => s.error && s.status !== "SKIPPED" && s.status !== "SUCCEEDED");
  if (failures.length > 0) {
    lines.push("", "### Failures", "");
    for (const s of failures) lines.push(`- **${cell(s.name)}** (${s.status}): ${cell(s.error ?? "")}`);
  }
  if (record.canceled && record.cancellationReason)
    lines.push("", `Canceled: ${cell(record.cancellationReason)}`);
  return `${lines.join("\n")}\n`;
}
