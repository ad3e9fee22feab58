import { parseAllDocuments } from "yaml";
import type { ImportContext } from "../../import/context.js";
import { childPath, isRecord, show } from "../../import/json-path.js";
import { asBoolean, asNumber, isEmpty, keep, type Rule, silent } from "../../import/stage-rules.js";

export const ARTIFACTS =
  "this Spinnaker artifact cannot be read by Capstan; write the manifest inline (manifests) or as a file in the repository (manifestFile)";

type Data = Record<string, unknown>;

const registries = new WeakMap<ImportContext, Map<string, Data>>();

function collect(value: unknown, into: Map<string, Data>, depth: number): void {
  if (depth > 6 || !value || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (const v of value) collect(v, into, depth + 1);
    return;
  }
  const record = value as Data;
  if (Array.isArray(record.expectedArtifacts))
    for (const a of record.expectedArtifacts) if (isRecord(a) && typeof a.id === "string") into.set(a.id, a);
  for (const key of ["stages", "pipelines"])
    if (Array.isArray(record[key])) collect(record[key], into, depth + 1);
}

/**
 * The expected artifacts of the input being imported (the pipelines' and their stages'), by id.
 * Read from the whole input when the context holds it, else gathered as stages are converted.
 */
export function expectedArtifactsOf(ctx: ImportContext): Map<string, Data> {
  let found = registries.get(ctx);
  if (!found) {
    found = new Map();
    collect((ctx as { input?: unknown }).input, found, 0);
    registries.set(ctx, found);
  }
  return found;
}

/** `source` of deploy/patch: `text` or `artifact`; the artifact fields say where the manifests are. */
export const textSource: Rule = () => ({});

/** `options` of delete/patch: the fields Capstan has are lifted to the stage. */
export const options =
  (fields: Record<string, string>): Rule =>
  (value, path, ctx) => {
    if (!isRecord(value)) return {};
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (key in fields) {
        const kind = fields[key];
        const rule = kind === "int" ? asNumber(key) : kind === "bool" ? asBoolean(key) : keep(key);
        // cascading may be a policy name (foreground, background, orphan): kept as text.
        if (kind === "bool" && typeof v === "string" && !/^(true|false)$/i.test(v.trim())) out[key] = v;
        else Object.assign(out, rule(v, childPath(path, key), ctx, value));
      } else if (!isEmpty(v))
        ctx.note(childPath(path, key), "dropped", `options.${key} has no Capstan equivalent`);
    }
    return out;
  };

/** The artifact an expected artifact stands for (its match, else its default). */
function artifactOfExpected(expected: Data): Data | undefined {
  if (isRecord(expected.matchArtifact) && (expected.matchArtifact.type || expected.matchArtifact.name))
    return expected.matchArtifact;
  if (isRecord(expected.defaultArtifact)) return expected.defaultArtifact;
  return undefined;
}

const FILE_TYPES = new Set(["github/file", "gitlab/file", "bitbucket/file", "gitiles/file"]);

/** Parses manifests from an embedded artifact's base64 reference. */
function embeddedManifests(reference: string): unknown[] | undefined {
  try {
    const text = Buffer.from(reference, "base64").toString("utf8");
    const docs = parseAllDocuments(text);
    const out: unknown[] = [];
    for (const d of Array.isArray(docs) ? docs : [docs]) {
      if (d.errors.length) return undefined;
      const v = d.toJS();
      if (v !== null && v !== undefined) out.push(v);
    }
    return out;
  } catch {
    return undefined;
  }
}

/**
 * Where a Spinnaker artifact's manifests come from, as Capstan fields: an embedded artifact with
 * content becomes inline `manifests`, one without (a bake's output) `manifestArtifact: <name>`, a
 * repository file `manifestFile: <path>`; anything else is reported.
 */
export function manifestsFromArtifact(artifact: Data, path: string, ctx: ImportContext): Data {
  const type = String(artifact.type ?? "");
  const name = typeof artifact.name === "string" ? artifact.name : undefined;
  const reference = typeof artifact.reference === "string" ? artifact.reference : undefined;
  if (type === "embedded/base64") {
    if (reference) {
      const manifests = embeddedManifests(reference);
      if (manifests) {
        ctx.note(path, "changed", "the embedded artifact's manifests are written inline (manifests)");
        return { manifests };
      }
    }
    if (name) {
      ctx.note(
        path,
        "changed",
        `the manifests are the artifact ${show(name)} an upstream stage produces (a bakeManifest's outputName): manifestArtifact`,
      );
      return { manifestArtifact: name };
    }
  }
  if (FILE_TYPES.has(type) && name) {
    ctx.note(
      path,
      "changed",
      `Spinnaker fetched ${show(name)} from ${show(artifact.artifactAccount ?? type)}; Capstan reads the file of that path in this repository (manifestFile)`,
    );
    return { manifestFile: name.replace(/^\/+/, "") };
  }
  ctx.note(
    path,
    "unsupported",
    `${type || "an untyped"} artifact ${show(name ?? reference ?? "")}: ${ARTIFACTS}`,
  );
  return {};
}

/** `manifestArtifactId`: the expected artifact of the pipeline or a stage with that id. */
export const manifestArtifactId: Rule = (value, path, ctx) => {
  if (typeof value !== "string" || value === "") return {};
  const expected = expectedArtifactsOf(ctx).get(value);
  const artifact = expected ? artifactOfExpected(expected) : undefined;
  if (!artifact) {
    ctx.note(
      path,
      "unsupported",
      `no expected artifact with id ${show(value)} in the pipeline: ${ARTIFACTS}`,
    );
    return {};
  }
  return manifestsFromArtifact(artifact, path, ctx);
};

/** `manifestArtifact`: an artifact given inline. */
export const manifestArtifact: Rule = (value, path, ctx, stage) => {
  if (!isRecord(value)) return {};
  if (typeof stage.manifestArtifactId === "string" && stage.manifestArtifactId !== "") return {};
  return manifestsFromArtifact(value, path, ctx);
};

/**
 * `requiredArtifactIds` / `requiredArtifacts`: Capstan binds what upstream stages deployed
 * (versioned ConfigMaps and Secrets, images) into the manifests by name, so nothing needs naming.
 */
export const requiredArtifacts: Rule = (value, path, ctx) => {
  const list = Array.isArray(value) ? value : [];
  for (const [i, item] of list.entries()) {
    const id = typeof item === "string" ? item : isRecord(item) ? item.expectedArtifactId : undefined;
    const expected = typeof id === "string" ? expectedArtifactsOf(ctx).get(id) : undefined;
    const artifact = expected
      ? artifactOfExpected(expected)
      : isRecord(item) && isRecord(item.artifact)
        ? item.artifact
        : undefined;
    const where = childPath(path, i);
    const type = String(artifact?.type ?? "");
    if (type.startsWith("kubernetes/"))
      ctx.note(
        where,
        "changed",
        `${type} ${show(artifact?.name ?? "")}: Capstan binds the version an upstream deployManifest deployed by name, so nothing needs naming`,
      );
    else if (type === "docker/image")
      ctx.note(
        where,
        "changed",
        `docker/image ${show(artifact?.name ?? "")}: bound from the trigger's or upstream stages' artifacts by image name when they have one; else set the image in the manifest (an expression can)`,
      );
    else ctx.note(where, "dropped", `required artifact ${show(item)} cannot be bound by Capstan`);
  }
  return {};
};

/** A stage's own expected artifacts: read by the stages that use them, nothing to keep. */
export const expectedArtifacts: Rule = (value, _path, ctx) => {
  collect({ expectedArtifacts: value }, expectedArtifactsOf(ctx), 0);
  return {};
};

/** `mode`: static, or dynamic (cluster + criteria), or label (deleteManifest's kinds + selectors). */
const mode: Rule = () => ({});

/** Fields the Kubernetes manifest stages share. */
export const MANIFEST_COMMON: Record<string, Rule> = {
  account: keep(),
  credentials: keep("account"),
  cloudProvider: (value, path, ctx) => {
    if (value !== "kubernetes" && value !== undefined && value !== "")
      ctx.note(
        path,
        "unsupported",
        `manifest stages on ${show(value)} are not supported; Capstan applies manifests through the Kubernetes API`,
      );
    return {};
  },
  app: silent,
  moniker: silent, // the application, which is the repository
  location: keep("namespace"),
  manifestName: (value, path, ctx, stage) =>
    stage.mode === "dynamic" ? {} : keep()(value, path, ctx, stage),
  mode,
  cluster: (value, path, ctx, stage) =>
    stage.mode === "dynamic" || stage.criteria ? keep()(value, path, ctx, stage) : {},
  criteria: (value, path, ctx, stage) =>
    stage.mode === "dynamic" || stage.cluster ? keep()(value, path, ctx, stage) : {},
  kind: (value, path, ctx, stage) =>
    stage.mode === "dynamic" || stage.criteria ? keep()(value, path, ctx, stage) : {},
  manifestArtifactAccount: silent, // "embedded-artifact" for inline manifests
  relationships: silent, // deck's empty {loadBalancers: [], securityGroups: []}
  expectedArtifacts,
  stableManifestTimeoutMinutes: asNumber(),
};
