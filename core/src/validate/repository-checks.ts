import { type Diagnostic, diagnostic, type Span } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/did-you-mean.js";
import { checkUrlAllowed } from "../expr/url-policy.js";
import type { PathSegment } from "../loader/yaml-loader.js";
import { pipelineNameOf } from "../model/pipeline-name.js";
import type { ValidationResult } from "./validate.js";

export { pipelineNameOf } from "../model/pipeline-name.js";

/** A pipeline of the repository, by name, and the file it is in. */
export interface RepositoryPipeline {
  name: string;
  file: string;
}

/** What the checks across files know of the repository. */
export interface RepositoryContext {
  /** The file of the pipeline being checked (as the other pipelines' `file`s name files). */
  file: string;
  /**
   * The pipelines a run from this file can reach (`.capstan/pipelines/` and the file's own folder)
   * and the others of the repository, this one included.
   */
  pipelines: readonly RepositoryPipeline[];
  /** The accounts the application settings declare, and the settings file; absent: not checked. */
  accounts?: { names: readonly string[]; file: string };
  /** The run accepts loopback URLs (`CAPSTAN_ALLOW_LOOPBACK_URLS=1`, tests against a local server). */
  allowLoopbackUrls?: boolean;
  /** Check URLs (default true); the language server, which does not know the run's environment, does not. */
  urls?: boolean;
}

/** The embedded provider's account: always there. */
const BUILTIN_ACCOUNTS = ["local"];
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/**
 * Checks of one pipeline that need the rest of the repository: another pipeline with the same
 * name, `pipeline` stages and triggers naming no pipeline, accounts the application settings do
 * not declare, and URLs (webhook stages, webhook and Slack notifications) the run will refuse.
 * Spans are in the pipeline's own document.
 */
export function checkRepository(
  result: Pick<ValidationResult, "pipeline" | "document">,
  context: RepositoryContext,
): Diagnostic[] {
  const { pipeline, document } = result;
  const out: Diagnostic[] = [];
  const spanOf = (path: readonly PathSegment[]): Span | undefined => document.locate(path)?.value;

  // The same name twice.
  const nameSpan = pipeline.source.fields.name?.value;
  if (pipeline.name && nameSpan) {
    const others = context.pipelines.filter((p) => p.name === pipeline.name && p.file !== context.file);
    if (others.length > 0)
      out.push(
        diagnostic(
          "duplicate-pipeline-name",
          "error",
          `Another pipeline of the repository is named '${pipeline.name}' (${[...new Set(others.map((o) => o.file))].join(", ")}); pipeline names must be unique: pipeline stages, triggers and capstan compile find pipelines by name.`,
          nameSpan,
        ),
      );
  }

  // Pipelines named by pipeline stages and triggers.
  const names = new Set(context.pipelines.map((p) => p.name));
  const unknownPipeline = (
    value: unknown,
    span: Span | undefined,
    severity: "error" | "warning",
    what: string,
  ) => {
    const name = pipelineNameOf(value);
    if (name === undefined || !span || names.has(name)) return;
    const hint = didYouMean(name, names);
    out.push(
      diagnostic(
        "unknown-pipeline",
        severity,
        `No pipeline of the repository is named '${name}' (${what}).${hint || (names.size ? ` Pipelines: ${[...names].join(", ")}.` : "")}`,
        span,
      ),
    );
  };
  for (const stage of pipeline.stages)
    if (stage.type === "pipeline")
      unknownPipeline(
        stage.config.pipeline,
        stage.source.fields.pipeline?.value,
        "error",
        "the stage would fail",
      );
  for (const trigger of pipeline.triggers)
    if (trigger.type === "pipeline")
      unknownPipeline(
        trigger.fields.pipeline,
        trigger.source.fields.pipeline?.value,
        "warning",
        "the trigger would never fire",
      );

  // Accounts.
  if (context.accounts) {
    const declared = new Set([...BUILTIN_ACCOUNTS, ...context.accounts.names]);
    const settings = context.accounts.file;
    const checkAccount = (value: unknown, path: readonly PathSegment[]) => {
      if (typeof value !== "string" || value === "" || value.includes("${") || declared.has(value)) return;
      const span = spanOf(path);
      if (!span) return;
      out.push(
        diagnostic(
          "unknown-account",
          "error",
          `No account '${value}' in ${settings} (accounts: ${[...declared].join(", ")}); the run would find no provider for it. Add it under accounts, or name one of these.`,
          span,
        ),
      );
    };
    pipeline.stages.forEach((stage, i) => {
      const base: PathSegment[] = ["stages", i];
      checkAccount(stage.config.account, [...base, "account"]);
      for (const list of ["clusters", "preconditions"])
        (Array.isArray(stage.config[list]) ? (stage.config[list] as unknown[]) : []).forEach((entry, j) => {
          if (entry && typeof entry === "object")
            checkAccount((entry as Record<string, unknown>).account, [...base, list, j, "account"]);
        });
    });
  }

  // URLs the run refuses (Orca's URL restrictions, as the webhook stage and the notifiers apply them).
  const checkUrl = (value: unknown, path: readonly PathSegment[], what: string) => {
    if (typeof value !== "string" || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.includes("${")) return;
    let host = "";
    try {
      host = new URL(value).hostname.toLowerCase();
    } catch {
      // checkUrlAllowed says why
    }
    if (context.allowLoopbackUrls && LOOPBACK_HOSTS.has(host)) return;
    const verdict = checkUrlAllowed(value, [], {
      allowLoopbackAddresses: context.allowLoopbackUrls === true,
    });
    if (verdict.allowed) return;
    const span = spanOf(path);
    if (!span) return;
    const loopback = LOOPBACK_HOSTS.has(host) || host.endsWith(".localhost");
    const allowance = loopback
      ? " For tests against a server on this machine, run with CAPSTAN_ALLOW_LOOPBACK_URLS=1."
      : "";
    out.push(
      diagnostic(
        "url-refused",
        "error",
        `The run will refuse ${what} ${value}: ${verdict.reason}${allowance}`,
        span,
      ),
    );
  };
  const checkNotifications = (list: readonly { type: string; address: string }[], base: PathSegment[]) =>
    list.forEach((n, i) => {
      if (n.type === "webhook" || n.type === "slack")
        checkUrl(n.address, [...base, "notifications", i, "address"], `the ${n.type} notification to`);
    });
  if (context.urls !== false) {
    checkNotifications(pipeline.notifications, []);
    pipeline.stages.forEach((stage, i) => {
      if (stage.type === "webhook") checkUrl(stage.config.url, ["stages", i, "url"], "the webhook to");
      checkNotifications(stage.notifications, ["stages", i]);
    });
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}
