import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { parse } from "yaml";
import type { KubernetesAccount } from "./accounts.js";

/** How kubectl reaches an account's cluster for one stage call. */
export interface PreparedKubeconfig {
  /** `--kubeconfig` for kubectl; absent: the ambient `$KUBECONFIG` or `~/.kube/config`. */
  file?: string;
  context?: string;
  namespace?: string;
  /** Values that must never be shown (the content, its tokens and keys). */
  secretValues: string[];
  /** Removes the temporary file (content kubeconfigs). */
  cleanup(): void;
}

/** Where an account's secret content comes from. */
export interface CredentialSources {
  secrets?: Readonly<Record<string, string>>;
  env?: Readonly<Record<string, string>>;
  /** The repository root (relative kubeconfig files). */
  cwd?: string;
  /** Folder for the temporary kubeconfig (default the OS temp dir). */
  tmpDir?: string;
}

const SECRET_KEYS = new Set([
  "token",
  "client-key-data",
  "client-certificate-data",
  "password",
  "access-token",
  "id-token",
  "refresh-token",
  "client-secret",
]);

/** The kubeconfig values to mask: the whole text, its base64, and every token, key and password in it. */
export function kubeconfigSecretValues(content: string, raw?: string): string[] {
  const out = new Set<string>([content.trim()]);
  if (raw && raw.trim() !== content.trim()) out.add(raw.trim());
  out.add(Buffer.from(content, "utf8").toString("base64"));
  let data: unknown;
  try {
    data = parse(content);
  } catch {
    data = undefined;
  }
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (SECRET_KEYS.has(k) && typeof x === "string" && x.length >= 4) {
          out.add(x);
          if (k.endsWith("-data")) {
            const decoded = Buffer.from(x, "base64").toString("utf8");
            for (const line of decoded.split("\n")) if (line.trim().length >= 16) out.add(line.trim());
          }
        } else walk(x);
      }
    }
  };
  walk(data);
  // Multi-line values are masked line by line too, as GitHub does.
  for (const v of [...out])
    for (const line of v.split("\n")) if (line.trim().length >= 24) out.add(line.trim());
  return [...out].filter((v) => v.length >= 4);
}

/** Content given as base64 (GitHub secrets often are) is decoded; YAML stays as it is. */
export function decodeKubeconfig(value: string): string {
  const trimmed = value.trim();
  if (!trimmed.includes(":") && /^[A-Za-z0-9+/=\s]+$/.test(trimmed)) {
    const decoded = Buffer.from(trimmed.replace(/\s+/g, ""), "base64").toString("utf8");
    if (decoded.includes("apiVersion") || decoded.includes("clusters")) return decoded;
  }
  return value;
}

/**
 * Makes an account usable by kubectl: a file account is used in place; a content account is
 * written to a 0600 file in a fresh private folder, removed by `cleanup()`.
 */
export function prepareKubeconfig(
  account: KubernetesAccount,
  sources: CredentialSources,
): PreparedKubeconfig | { error: string } {
  const base = { context: account.context, namespace: account.namespace };
  if (account.kubeconfigSecret) {
    const name = account.kubeconfigSecret;
    const raw = sources.secrets?.[name] ?? sources.env?.[name];
    if (raw === undefined || raw.trim() === "")
      return {
        error: `Kubernetes account '${account.name}' reads its kubeconfig from ${name}, which is not set (a secret or environment variable)`,
      };
    const content = decodeKubeconfig(raw);
    const dir = mkdtempSync(join(sources.tmpDir ?? tmpdir(), "capstan-kube-"));
    const file = join(dir, "kubeconfig");
    writeFileSync(file, content, { mode: 0o600 });
    return {
      ...base,
      file,
      secretValues: kubeconfigSecretValues(content, raw),
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (account.kubeconfigFile) {
    const file =
      isAbsolute(account.kubeconfigFile) || !sources.cwd
        ? account.kubeconfigFile
        : join(sources.cwd, account.kubeconfigFile);
    return { ...base, file, secretValues: [], cleanup: () => undefined };
  }
  return { ...base, secretValues: [], cleanup: () => undefined };
}
