import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import type { StageContext, StageHandler, TaskResult } from "../../engine/handler.js";
import { readApplicationSettings } from "../../providers/application-settings.js";
import { type CommandRunner, processCommandRunner } from "../../providers/kubernetes/kubectl.js";
import { ensure } from "../../providers/kubernetes/manifest.js";
import { bool, str } from "../manifest-kit/manifest-stage.js";
import { parseManifestText, readRepoFile } from "../manifest-kit/sources.js";

type Data = Record<string, unknown>;

export type Renderer = "HELM3" | "HELM2" | "KUSTOMIZE" | "KUSTOMIZE4";

/** What a bake renders (Rosco's HelmBakeManifestRequest, with repository paths for the artifacts). */
export interface BakeRequest {
  renderer: Renderer;
  outputName: string;
  /** The chart folder (helm) or the kustomization's folder (kustomize). */
  template: string;
  valuesFiles: string[];
  overrides: Record<string, string>;
  rawOverrides: boolean;
  namespace?: string;
  includeCRDs: boolean;
  apiVersions?: string;
  kubeVersion?: string;
  /** Overrides longer than this (characters, joined) go to a values file passed last; 0: never. */
  overridesFileThreshold: number;
}

const LARGE = 1_000_000;

/**
 * Rosco's helm command line (HelmTemplateUtils.buildCommand): `template <outputName> <chart>` (helm 2:
 * `template <chart> --name <outputName>`), then namespace, --include-crds (helm 3), api/kube
 * versions, the overrides (`--set-string`, or `--set` with rawOverrides), then `--values`; an
 * overrides file is the last `--values`, so it still wins over the values files.
 */
export function helmArgs(req: BakeRequest, overridesFile?: string): string[] {
  const args =
    req.renderer === "HELM2"
      ? ["template", req.template, "--name", req.outputName]
      : ["template", req.outputName, req.template];
  if (req.namespace) args.push("--namespace", req.namespace);
  if (req.includeCRDs && req.renderer === "HELM3") args.push("--include-crds");
  if (req.apiVersions) args.push("--api-versions", req.apiVersions);
  if (req.kubeVersion) args.push("--kube-version", req.kubeVersion);
  const entries = Object.entries(req.overrides);
  const onCommandLine = overridesFile
    ? // With rawOverrides, large numbers stay on --set so helm does not turn them into floats.
      entries.filter(([, v]) => req.rawOverrides && /^-?\d+(\.\d+)?$/.test(v) && Math.abs(Number(v)) >= LARGE)
    : entries;
  if (onCommandLine.length > 0)
    args.push(
      req.rawOverrides ? "--set" : "--set-string",
      onCommandLine.map(([k, v]) => `${k}=${v}`).join(","),
    );
  const values = [...req.valuesFiles, ...(overridesFile ? [overridesFile] : [])];
  if (values.length > 0) args.push("--values", values.join(","));
  return args;
}

/** The overrides that go to the file (all but those kept on the command line). */
export function overridesFileContent(req: BakeRequest): string {
  const data: Data = {};
  for (const [k, v] of Object.entries(req.overrides)) {
    if (req.rawOverrides && /^-?\d+(\.\d+)?$/.test(v) && Math.abs(Number(v)) >= LARGE) continue;
    let node = data;
    const parts = k.split(".");
    for (const p of parts.slice(0, -1)) node = ensure(node, p, {}) as Data;
    node[parts.at(-1) as string] = req.rawOverrides ? parseRaw(v) : v;
  }
  return stringify(data);
}

const parseRaw = (v: string): unknown =>
  v === "true" ? true : v === "false" ? false : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;

const joinedLength = (o: Record<string, string>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${v}`)
    .join(",").length;

/** Reads the stage: Capstan's `chart`/`kustomization` and `valuesFiles`, or Spinnaker's names. */
export function readBake(c: Data): BakeRequest | { error: string } {
  const renderer = (str(c.templateRenderer) ?? "HELM3").toUpperCase().replace(/\s+/g, "") as Renderer;
  if (!["HELM3", "HELM2", "KUSTOMIZE", "KUSTOMIZE4"].includes(renderer))
    return {
      error: `templateRenderer must be HELM3, HELM2, KUSTOMIZE or KUSTOMIZE4, not '${c.templateRenderer}'`,
    };
  const kustomize = renderer.startsWith("KUSTOMIZE");
  const template = kustomize
    ? (str(c.kustomization) ?? str(c.kustomizeFilePath))
    : (str(c.chart) ?? str(c.helmChartFilePath));
  if (!template)
    return {
      error: kustomize
        ? "bakeManifest (kustomize) needs 'kustomization' (the folder or its kustomization.yml)"
        : "bakeManifest (helm) needs 'chart' (the chart's folder in the repository)",
    };
  const outputName = str(c.outputName);
  if (!outputName)
    return { error: "bakeManifest needs 'outputName' (the release name and the artifact's name)" };
  const overrides: Record<string, string> = {};
  if (c.overrides && typeof c.overrides === "object")
    for (const [k, v] of Object.entries(c.overrides as Data))
      overrides[k] = typeof v === "string" ? v : JSON.stringify(v);
  return {
    renderer,
    outputName,
    template: kustomize ? template.replace(/\/?kustomization\.ya?ml$/i, "") || "." : template,
    valuesFiles: Array.isArray(c.valuesFiles) ? c.valuesFiles.map(String) : [],
    overrides,
    rawOverrides: bool(c.rawOverrides, false),
    namespace: str(c.namespace),
    includeCRDs: bool(c.includeCRDs, false),
    apiVersions: str(c.apiVersions),
    kubeVersion: str(c.kubeVersion),
    overridesFileThreshold: typeof c.overridesFileThreshold === "number" ? c.overridesFileThreshold : 0,
  };
}

function runnerOf(ctx: StageContext): CommandRunner | undefined {
  const given = ctx.services.providers?.kubernetes?.runner;
  if (given) return given;
  if (!ctx.services.processes) return undefined;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.services.env ?? process.env)) if (v !== undefined) env[k] = v;
  return processCommandRunner(ctx.services.processes, {
    cwd: ctx.services.workingDirectory ?? process.cwd(),
    env,
  });
}

function tools(ctx: StageContext): { helm: string; kustomize?: string } {
  const given = ctx.services.providers?.kubernetes?.settings;
  const root = ctx.services.workingDirectory;
  const file = root ? join(root, ".capstan", "application.yml") : undefined;
  const settings =
    given ??
    readApplicationSettings(file && existsSync(file) ? readFileSync(file, "utf8") : undefined).kubernetes;
  return { helm: settings.helm ?? "helm", kustomize: settings.kustomize };
}

async function start(ctx: StageContext): Promise<TaskResult> {
  const req = readBake(ctx.stage.context);
  if ("error" in req) return { status: "TERMINAL", error: req.error };
  const runner = runnerOf(ctx);
  if (!runner) return { status: "TERMINAL", error: "bakeManifest needs a process runner (helm, kustomize)" };
  const root = ctx.services.workingDirectory ?? process.cwd();
  for (const f of [req.template, ...req.valuesFiles]) {
    const check = readRepoFileOrDir(ctx, f);
    if (check) return { status: "TERMINAL", error: check };
  }
  const { helm, kustomize } = tools(ctx);
  let argv: string[];
  let dir: string | undefined;
  if (req.renderer.startsWith("KUSTOMIZE")) {
    argv = kustomize
      ? [kustomize, "build", resolve(root, req.template)]
      : ["kubectl", "kustomize", resolve(root, req.template)];
  } else {
    let overridesFile: string | undefined;
    if (req.overridesFileThreshold > 0 && joinedLength(req.overrides) > req.overridesFileThreshold) {
      dir = mkdtempSync(join(tmpdir(), "capstan-bake-"));
      overridesFile = join(dir, "overrides.yml");
      writeFileSync(overridesFile, overridesFileContent(req), { mode: 0o600 });
    }
    argv = [
      helm,
      ...helmArgs(
        {
          ...req,
          template: resolve(root, req.template),
          valuesFiles: req.valuesFiles.map((f) => resolve(root, f)),
        },
        overridesFile,
      ),
    ];
  }
  ctx.log(`$ ${argv.join(" ")}\n`);
  let result: Awaited<ReturnType<CommandRunner["run"]>> | undefined;
  let lastError = "";
  try {
    // Orca retries the bake 5 times, 2 s apart; a render that fails on its input fails the same way
    // each time, so Capstan tries twice.
    for (let attempt = 1; attempt <= 2; attempt++) {
      result = await runner.run(argv, { signal: ctx.signal });
      if (result.code === 0 && !result.error) break;
      lastError = (result.error ?? result.stderr).trim();
      if (result.error) break;
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  if (result?.code !== 0 || result.error)
    return { status: "TERMINAL", error: `${argv[0]} failed: ${lastError || `exit code ${result?.code}`}` };
  const text = result.stdout;
  const parsed = parseManifestText(text, "the rendered manifests");
  if ("error" in parsed) return { status: "TERMINAL", error: parsed.error };
  ctx.log(`rendered ${parsed.length} manifests as ${req.outputName}\n`);
  const artifact = {
    type: "embedded/base64",
    name: str(ctx.stage.context.artifactName) ?? req.outputName,
    reference: Buffer.from(text, "utf8").toString("base64"),
    location: "",
  };
  return {
    status: "SUCCEEDED",
    outputs: { artifacts: [artifact], manifests: parsed, renderedKinds: parsed.map((m) => (m as Data).kind) },
  };
}

function readRepoFileOrDir(ctx: StageContext, file: string): string | undefined {
  const root = ctx.services.workingDirectory ?? process.cwd();
  if (!existsSync(resolve(root, file))) {
    const r = readRepoFile(ctx, file);
    return typeof r === "string" ? undefined : r.error;
  }
  return undefined;
}

export const bakeManifestStage: StageHandler = { type: "bakeManifest", start, poll: start };
