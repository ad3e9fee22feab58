export { type CronConversion, quartzToCron } from "./cron.js";
export { importSpinnaker, importSpinnakerValue } from "./import-spinnaker.js";
export { type FailureFlags, mapOnFailure, type OnFailureMapping } from "./on-failure.js";
export { capstanPathText, diagnosticsInJson, jsonPathOf } from "./origins.js";
export {
  formatReport,
  type ImportSummary,
  NOTE_KINDS,
  reportJson,
  summarizeReport,
  summaryLine,
} from "./report.js";
export * as importRules from "./stage-rules.js";
export type {
  ImportDiagnostic,
  ImportedPipeline,
  ImportNote,
  ImportNoteKind,
  ImportOptions,
  ImportResult,
} from "./types.js";
export { ORCA_WINDOW_TIMEZONE } from "./window.js";
export { IMPORT_HEADER } from "./yaml-output.js";
