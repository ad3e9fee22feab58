// Kubernetes accounts of `.capstan/application.yml`: a kubeconfig (a file, or its content in a
// secret or environment variable), an optional context and a default namespace.

/** One `accounts` entry with `provider: kubernetes`. */
export interface KubernetesAccount {
  name: string;
  /** kubeconfig file; relative paths are relative to the repository. */
  kubeconfigFile?: string;
  /** Name of a secret (or environment variable) holding the kubeconfig's content, YAML or base64. */
  kubeconfigSecret?: string;
  context?: string;
  /** Namespace of objects that name none (kubectl's default when absent). */
  namespace?: string;
  /** Namespaces the account may touch; empty means any. */
  namespaces: string[];
  /** The kubectl to run (default `kubectl` on the PATH). */
  kubectl?: string;
  default: boolean;
}

/** What a Kubernetes stage needs that is not per account. */
export interface KubernetesSettings {
  accounts: KubernetesAccount[];
  /** helm for bakeManifest (default `helm` on the PATH). */
  helm?: string;
  /** kustomize for bakeManifest (default `kubectl kustomize`). */
  kustomize?: string;
}

const text = (v: unknown): string | undefined =>
  typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined;

/**
 * Reads the Kubernetes accounts of the parsed application settings; bad entries are reported in
 * `problems`, never thrown.
 */
export function readKubernetesAccounts(
  root: Record<string, unknown>,
  problems: string[],
): KubernetesSettings {
  const accounts: KubernetesAccount[] = [];
  const list = root.accounts;
  if (list !== undefined && !Array.isArray(list)) problems.push("accounts must be a list");
  for (const [i, entry] of (Array.isArray(list) ? list : []).entries()) {
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
      problems.push(`accounts[${i}] must be a map`);
      continue;
    }
    const e = entry as Record<string, unknown>;
    if (e.provider !== "kubernetes") continue;
    const name = text(e.name);
    if (!name) {
      problems.push(`accounts[${i}] needs a name`);
      continue;
    }
    if (e.kubeconfigFile !== undefined && e.kubeconfigSecret !== undefined)
      problems.push(`accounts[${i}] (${name}): give kubeconfigFile or kubeconfigSecret, not both`);
    accounts.push({
      name,
      kubeconfigFile: text(e.kubeconfigFile),
      kubeconfigSecret: text(e.kubeconfigSecret),
      context: text(e.context),
      namespace: text(e.namespace),
      namespaces: Array.isArray(e.namespaces) ? e.namespaces.map(String) : [],
      kubectl: text(e.kubectl),
      default: e.default === true,
    });
  }
  const k = root.kubernetes;
  const tools = k && typeof k === "object" && !Array.isArray(k) ? (k as Record<string, unknown>) : {};
  return { accounts, helm: text(tools.helm), kustomize: text(tools.kustomize) };
}

/**
 * The account a stage names; with no name, the one marked `default`, else the only one, else the
 * ambient kubeconfig (`$KUBECONFIG` or `~/.kube/config`, its current context).
 */
export function findKubernetesAccount(
  settings: KubernetesSettings,
  name: string | undefined,
): KubernetesAccount | { error: string } {
  const { accounts } = settings;
  if (name !== undefined && name !== "") {
    const found = accounts.find((a) => a.name === name);
    if (found) return found;
    if (accounts.length === 0) {
      // An imported pipeline names Spinnaker's account; with no accounts declared, the ambient
      // kubeconfig's context of that name is the closest match.
      return { name, namespaces: [], default: false, context: undefined };
    }
    const known = accounts.map((a) => a.name).join(", ");
    return {
      error: `no Kubernetes account '${name}' in .capstan/application.yml (kubernetes accounts: ${known})`,
    };
  }
  const chosen = accounts.find((a) => a.default) ?? (accounts.length === 1 ? accounts[0] : undefined);
  if (chosen) return chosen;
  if (accounts.length > 1)
    return {
      error: `the stage names no account and .capstan/application.yml has several Kubernetes accounts (${accounts.map((a) => a.name).join(", ")}); set 'account' or mark one 'default: true'`,
    };
  return { name: "default", namespaces: [], default: true };
}
