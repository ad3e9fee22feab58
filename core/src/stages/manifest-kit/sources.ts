import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import type { StageContext } from "../../engine/handler.js";
import type { ExpressionSummary } from "../../engine/record.js";
import { findArtifact } from "./upstream.js";

type Data = Record<string, unknown>;
const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;

/** Parses YAML (or JSON) holding one or more manifests. */
export function parseManifestText(text: string, where: string): unknown[] | { error: string } {
  const docs = parseAllDocuments(text);
  const out: unknown[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) return { error: `${where}: ${doc.errors[0].message}` };
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) out.push(...value);
    else out.push(value);
  }
  return out;
}

/** A file of the repository, refused when it lies outside it. */
export function readRepoFile(ctx: StageContext, file: string): string | { error: string } {
  const root = ctx.services.workingDirectory ?? process.cwd();
  const path = resolve(root, file);
  const rel = relative(root, path);
  if (rel.startsWith("..") || isAbsolute(rel)) return { error: `${file} is outside the repository` };
  if (!existsSync(path)) return { error: `${file} does not exist in the repository (${root})` };
  return readFileSync(path, "utf8");
}

/**
 * The manifests a stage gives (deployManifest, runJobManifest, patchManifest): inline `manifests`,
 * a `manifestFile` of the repository, or an upstream artifact (`manifestArtifact`, e.g. a
 * bakeManifest's output), with expressions evaluated unless `skipExpressionEvaluation`.
 */
export function stageManifests(
  ctx: StageContext,
  field = "manifests",
): { manifests: unknown[]; summary?: ExpressionSummary } | { error: string } {
  const c = ctx.stage.context;
  let raw: unknown[];
  if (Array.isArray(c[field])) raw = c[field] as unknown[];
  else if (c[field] && typeof c[field] === "object") raw = [c[field]];
  else if (str(c.manifestFile)) {
    const text = readRepoFile(ctx, str(c.manifestFile) as string);
    if (typeof text !== "string") return text;
    const parsed = parseManifestText(text, str(c.manifestFile) as string);
    if ("error" in parsed) return parsed;
    raw = parsed;
  } else if (str(c.manifestArtifact) ?? str((c.manifestArtifact as Data | undefined)?.name)) {
    const name = str(c.manifestArtifact) ?? (str((c.manifestArtifact as Data).name) as string);
    const artifact = findArtifact(ctx, name);
    if (!artifact)
      return {
        error: `no upstream stage produced an artifact named '${name}' (a bakeManifest's outputName)`,
      };
    const text =
      artifact.type === "embedded/base64"
        ? Buffer.from(artifact.reference, "base64").toString("utf8")
        : undefined;
    if (text === undefined) {
      if (artifact.type === "github/file" || artifact.type === "repo/file") {
        const file = readRepoFile(ctx, artifact.reference);
        if (typeof file !== "string") return file;
        const parsed = parseManifestText(file, artifact.reference);
        if ("error" in parsed) return parsed;
        raw = parsed;
      } else return { error: `artifact '${name}' is a ${artifact.type}, which holds no manifests` };
    } else {
      const parsed = parseManifestText(text, `artifact ${name}`);
      if ("error" in parsed) return parsed;
      raw = parsed;
    }
  } else return { error: `${ctx.stage.type} needs '${field}', 'manifestFile' or 'manifestArtifact'` };
  if (c.skipExpressionEvaluation === true || c.skipExpressionEvaluation === "true") return { manifests: raw };
  const evaluated = ctx.evaluateTree(raw);
  const failures = Object.entries(evaluated.summary).filter(([, list]) =>
    list.some((e) => e.level === "ERROR"),
  );
  if (failures.length > 0)
    return {
      error: `expressions in the manifests failed: ${failures.map(([k, list]) => `\${${k}}: ${list[0].description}`).join("; ")}`,
    };
  return { manifests: evaluated.value as unknown[], summary: evaluated.summary };
}
