import { parse } from "yaml";
import { type KubernetesSettings, readKubernetesAccounts } from "./kubernetes/accounts.js";
import type { TrafficGuard } from "./traffic-guards.js";

/** What server-group stages read from `.capstan/application.yml`. */
export interface ApplicationSettings {
  name?: string;
  trafficGuards: TrafficGuard[];
  /** Kubernetes accounts (`accounts` entries with `provider: kubernetes`) and tools. */
  kubernetes: KubernetesSettings;
  problems: string[];
}

const noKubernetes = (): KubernetesSettings => ({ accounts: [] });

/**
 * Reads the application name and traffic guards (the application's own name is the default
 * `application` of a guard that names no cluster). Bad entries are reported, never thrown.
 */
export function readApplicationSettings(text: string | undefined): ApplicationSettings {
  if (text === undefined) return { trafficGuards: [], kubernetes: noKubernetes(), problems: [] };
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    return {
      trafficGuards: [],
      kubernetes: noKubernetes(),
      problems: [`application.yml is not valid YAML: ${(error as Error).message}`],
    };
  }
  if (!data || typeof data !== "object")
    return { trafficGuards: [], kubernetes: noKubernetes(), problems: [] };
  const root = data as Record<string, unknown>;
  const name = typeof root.name === "string" ? root.name : undefined;
  const problems: string[] = [];
  const trafficGuards: TrafficGuard[] = [];
  const list = root.trafficGuards;
  if (list !== undefined && !Array.isArray(list)) problems.push("trafficGuards must be a list");
  for (const [i, entry] of (Array.isArray(list) ? list : []).entries()) {
    if (!entry || typeof entry !== "object") {
      problems.push(`trafficGuards[${i}] must be a map`);
      continue;
    }
    const e = entry as Record<string, unknown>;
    const guard: TrafficGuard = {};
    for (const k of [
      "provider",
      "cluster",
      "application",
      "account",
      "location",
      "stack",
      "detail",
    ] as const) {
      if (e[k] !== undefined && e[k] !== null) guard[k] = String(e[k]);
    }
    if (e.enabled === false) guard.enabled = false;
    if (guard.cluster === undefined && guard.application === undefined && name) guard.application = name;
    trafficGuards.push(guard);
  }
  const kubernetes = readKubernetesAccounts(root, problems);
  return { name, trafficGuards, kubernetes, problems };
}
