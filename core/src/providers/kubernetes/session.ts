import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { StageContext } from "../../engine/handler.js";
import { maskSecrets } from "../../engine/mask.js";
import { readApplicationSettings } from "../application-settings.js";
import { findKubernetesAccount, type KubernetesAccount, type KubernetesSettings } from "./accounts.js";
import { prepareKubeconfig } from "./credentials.js";
import { type CommandRunner, Kubectl, processCommandRunner } from "./kubectl.js";
import type { KubernetesServices } from "./services.js";

export type { KubernetesServices } from "./services.js";

/** One stage's access to one account. */
export interface KubeSession {
  account: KubernetesAccount;
  kubectl: Kubectl;
  runner: CommandRunner;
  /** Namespace of objects that name none: the stage's, the account's, else `default`. */
  namespace: string;
  application: string;
  settings: KubernetesSettings;
  pollMs: number;
  /** Why the account may not touch that namespace (its `namespaces` list), or undefined. */
  namespaceError(namespace: string | undefined): string | undefined;
  /** Replaces the account's secrets (kubeconfig content, tokens) in any value. */
  mask<T>(value: T): T;
  /** Appends a line to the stage log, masked. */
  log(line: string): void;
  close(): void;
}

interface Loaded {
  settings: KubernetesSettings;
  application?: string;
}

function loadSettings(ctx: StageContext): Loaded {
  const given = ctx.services.providers?.kubernetes;
  if (given?.settings) return { settings: given.settings, application: given.application };
  const root = ctx.services.workingDirectory;
  const file = root ? join(root, ".capstan", "application.yml") : undefined;
  const app = readApplicationSettings(file && existsSync(file) ? readFileSync(file, "utf8") : undefined);
  return { settings: app.kubernetes, application: given?.application ?? app.name };
}

const sessions = new Map<string, KubeSession>();
const keyOf = (ctx: StageContext) => `${ctx.execution.id}/${ctx.stage.refId}`;

process.once("exit", () => {
  for (const s of sessions.values()) s.close();
});

/**
 * The stage's session for an account (made on first use, kept while the stage runs so watches
 * keep their kubeconfig; `closeSession` removes a content kubeconfig's temporary file).
 */
export function openSession(ctx: StageContext, accountName?: string): KubeSession | { error: string } {
  const key = keyOf(ctx);
  const open = sessions.get(key);
  if (open && (accountName === undefined || accountName === open.account.name)) return open;
  if (open) {
    open.close();
    sessions.delete(key);
  }
  const loaded = loadSettings(ctx);
  const account = findKubernetesAccount(loaded.settings, accountName);
  if ("error" in account) return account;
  const given = ctx.services.providers?.kubernetes;
  const prepared = prepareKubeconfig(account, {
    secrets: ctx.services.secrets,
    env: ctx.services.env,
    cwd: ctx.services.workingDirectory,
    tmpDir: given?.tmpDir,
  });
  if ("error" in prepared) return prepared;
  let runner = given?.runner;
  if (!runner) {
    const processes = ctx.services.processes;
    if (!processes) {
      prepared.cleanup();
      return { error: "Kubernetes stages need a process runner (kubectl), and none was given to the engine" };
    }
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(ctx.services.env ?? process.env)) if (v !== undefined) env[k] = v;
    runner = processCommandRunner(processes, {
      cwd: ctx.services.workingDirectory ?? process.cwd(),
      env,
      tmpDir: given?.tmpDir,
    });
  }
  const secrets = prepared.secretValues;
  const mask = <T>(value: T): T => (secrets.length ? maskSecrets(value, secrets) : value);
  const log = (line: string) => ctx.log(`${mask(line)}\n`);
  const stageNs = typeof ctx.stage.context.namespace === "string" ? ctx.stage.context.namespace : undefined;
  const namespace = stageNs || prepared.namespace || "default";
  const kubectl = new Kubectl(
    runner,
    {
      program: account.kubectl,
      kubeconfig: prepared.file,
      context: prepared.context,
      namespace,
    },
    log,
  );
  let closed = false;
  const session: KubeSession = {
    account,
    kubectl,
    runner,
    namespace,
    application:
      loaded.application ??
      (typeof ctx.stage.context.app === "string" ? ctx.stage.context.app : undefined) ??
      basename(ctx.services.workingDirectory ?? process.cwd()),
    settings: loaded.settings,
    pollMs: given?.pollMs ?? 2000,
    mask,
    log,
    namespaceError(ns) {
      const allowed = account.namespaces;
      if (allowed.length === 0 || ns === undefined || allowed.includes(ns)) return undefined;
      return `Kubernetes account '${account.name}' may only use the namespaces ${allowed.join(", ")}, not '${ns}'`;
    },
    close() {
      if (closed) return;
      closed = true;
      prepared.cleanup();
      if (sessions.get(key) === session) sessions.delete(key);
    },
  };
  sessions.set(key, session);
  return session;
}

/** Ends the stage's session (temporary kubeconfig removed). */
export function closeSession(ctx: StageContext): void {
  sessions.get(keyOf(ctx))?.close();
}
