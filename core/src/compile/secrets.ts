import type { Notification, Pipeline, Stage } from "../model/types.js";

const REFERENCE = /secrets\s*(?:\?\.|\.)\s*([A-Za-z_][A-Za-z0-9_]*)|secrets\s*\[\s*['"]([^'"]+)['"]\s*\]/g;

/** Declared secrets that a value refers to inside `${ }` expressions (`secrets.NAME`, `secrets['NAME']`). */
export function referencedSecrets(value: unknown, declared: readonly string[]): string[] {
  const text = JSON.stringify(value) ?? "";
  const found = new Set<string>();
  for (const m of text.matchAll(REFERENCE)) {
    const name = m[1] ?? m[2];
    if (declared.includes(name)) found.add(name);
  }
  return declared.filter((d) => found.has(d));
}

/** The declared secrets a stage reads: its config, `if`, and its notifications. */
export function stageSecrets(stage: Stage, pipeline: Pipeline): string[] {
  return referencedSecrets(
    [stage.config, stage.if ?? "", notificationsData(stage.notifications)],
    pipeline.secrets,
  );
}

/** The declared secrets the pipeline-level notifications read (sent at start and at the end). */
export function pipelineNotificationSecrets(pipeline: Pipeline): string[] {
  return referencedSecrets(notificationsData(pipeline.notifications), pipeline.secrets);
}

function notificationsData(list: readonly Notification[]): unknown[] {
  return list.map((n) => ({ address: n.address, message: n.message }));
}

/** The environment variable through which a declared secret reaches the action. */
export function secretEnvName(name: string): string {
  return `CAPSTAN_SECRET_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
}
