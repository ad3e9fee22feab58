import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/did-you-mean.js";
import { cronProblem } from "../model/cron.js";
import type { ExecutionWindow, Pipeline, Stage } from "../model/types.js";
import type { StageCatalog } from "../stages/catalog.js";
import { builtinStages } from "../stages/index.js";

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * Checks that need more than the schema: types, windows, cron, parameters. Stage types come from
 * the catalog; known types outside `runnableTypes` get a warning.
 */
export function checkFields(
  pipeline: Pipeline,
  runnableTypes?: ReadonlySet<string>,
  catalog: StageCatalog = builtinStages(),
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const stage of pipeline.stages) {
    out.push(...checkStageType(stage, catalog, runnableTypes));
    if (stage.window) out.push(...checkWindow(stage.window));
  }
  for (const trigger of pipeline.triggers) {
    if (trigger.type !== "cron" || typeof trigger.fields.expression !== "string") continue;
    const problem = cronProblem(trigger.fields.expression);
    if (problem) {
      const span = trigger.source.fields.expression?.value ?? trigger.source.span;
      out.push(
        diagnostic("bad-cron", "error", `${problem} Example: "0 7 * * 1-5" (07:00 UTC on weekdays).`, span),
      );
    }
  }
  out.push(...checkParameters(pipeline));
  return out;
}

function checkStageType(
  stage: Stage,
  catalog: StageCatalog,
  runnableTypes?: ReadonlySet<string>,
): Diagnostic[] {
  const span = stage.source.fields.type?.value;
  if (!span || stage.type === "") return [];
  if (catalog.isSpinnakerOnly(stage.type)) {
    return [
      diagnostic(
        "stage-type-unsupported",
        "warning",
        `'${stage.type}' is a Spinnaker stage type that Capstan cannot run; the pipeline validates but will fail when it reaches this stage. Replace it with a 'run' or 'webhook' stage.`,
        span,
      ),
    ];
  }
  if (!catalog.get(stage.type)) {
    const known = catalog.types();
    const hint = didYouMean(stage.type, known);
    return [
      diagnostic(
        "unknown-stage-type",
        "error",
        `Unknown stage type '${stage.type}'.${hint || ` Stage types: ${known.join(", ")}.`}`,
        span,
        { data: { name: stage.type, suggestion: hint ? hint.slice(15, -2) : undefined } },
      ),
    ];
  }
  if (runnableTypes && !runnableTypes.has(stage.type)) {
    return [
      diagnostic(
        "stage-type-not-runnable",
        "warning",
        `Stage type '${stage.type}' is part of the format but this version of Capstan cannot run it yet.`,
        span,
      ),
    ];
  }
  return [];
}

function checkWindow(window: ExecutionWindow): Diagnostic[] {
  const out: Diagnostic[] = [];
  const fields = window.source.fields;
  if (window.days.length === 0 && window.ranges.length === 0) {
    out.push(
      diagnostic(
        "empty-window",
        "error",
        'An execution window needs days, ranges or both; with neither the stage could never run (Orca fails it). Add e.g. ranges: [{ start: "09:00", end: "17:00" }].',
        window.source.span,
      ),
    );
  }
  for (const range of window.ranges) {
    // Orca wraps a range round midnight only when its start hour is after its end hour (it splits
    // on hours alone), so one ending before it starts within the same hour never opens there.
    if (HH_MM.test(range.start) && HH_MM.test(range.end)) {
      const [sh, sm] = range.start.split(":").map(Number);
      const [eh, em] = range.end.split(":").map(Number);
      if (sh === eh && sm > em)
        out.push(
          diagnostic(
            "window-never-opens",
            "error",
            `The range ${range.start}-${range.end} ends before it starts within the same hour, so it never opens (Orca wraps a range past midnight only when its start hour is after its end hour). Swap the times, or write e.g. ${range.start}-23:59 and 00:00-${range.end} if it is meant to wrap.`,
            fields.ranges?.value ?? window.source.span,
          ),
        );
    }
    for (const time of [range.start, range.end]) {
      if (!HH_MM.test(time)) {
        out.push(
          diagnostic(
            "bad-window-time",
            "error",
            `'${time}' is not a time of day; write 24-hour HH:mm, e.g. "07:00" or "23:30".`,
            fields.ranges?.value ?? window.source.span,
          ),
        );
      }
    }
  }
  if (fields.timezone && !isTimeZone(window.timezone)) {
    out.push(
      diagnostic(
        "unknown-timezone",
        "error",
        `Unknown time zone '${window.timezone}'. Use an IANA name such as UTC, Europe/Paris or America/Los_Angeles.`,
        fields.timezone.value,
      ),
    );
  }
  if (window.jitter && window.jitter.minMs > window.jitter.maxMs) {
    out.push(
      diagnostic(
        "bad-jitter",
        "error",
        "The jitter's min is larger than its max; swap them.",
        fields.jitter?.value ?? window.source.span,
      ),
    );
  }
  return out;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkParameters(pipeline: Pipeline): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const parameter of pipeline.parameters) {
    const nameSpan = parameter.source.fields.name?.value ?? parameter.source.span;
    if (seen.has(parameter.name)) {
      out.push(
        diagnostic(
          "duplicate-parameter",
          "error",
          `Parameter '${parameter.name}' is declared twice.`,
          nameSpan,
        ),
      );
    }
    seen.add(parameter.name);
    const { options } = parameter;
    if (options && options.length > 0 && parameter.default !== undefined && parameter.default !== null) {
      if (!options.map(String).includes(String(parameter.default))) {
        out.push(
          diagnostic(
            "default-not-in-options",
            "error",
            `The default '${parameter.default}' is not one of the options (${options.join(", ")}).`,
            parameter.source.fields.default?.value ?? nameSpan,
          ),
        );
      }
    }
  }
  return out;
}
