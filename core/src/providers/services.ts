import type { KubernetesServices } from "./kubernetes/services.js";
import type { TrafficGuard } from "./traffic-guards.js";
import type { Provider } from "./types.js";

/** Provider accounts and application settings the server-group stages need. */
export interface ProviderServices {
  /** `provider`/`account` may be absent when only one account is configured. */
  resolve(provider?: string, account?: string): Provider | { error: string };
  /** `trafficGuards` of `.capstan/application.yml`. */
  trafficGuards: readonly TrafficGuard[];
  /** Orca's traffic-guards.min-capacity-ratio (default 0). */
  minCapacityRatio?: number;
  /** How often stages poll the provider while waiting (ms; default 500). */
  pollMs?: number;
  /** Kubernetes accounts for the manifest stages (else read from `.capstan/application.yml`). */
  kubernetes?: KubernetesServices;
}

/** Providers from a fixed list; the first one is the default when a stage names none. */
export function providerServices(
  providers: readonly Provider[],
  trafficGuards: readonly TrafficGuard[] = [],
  options: { minCapacityRatio?: number; pollMs?: number } = {},
): ProviderServices {
  return {
    trafficGuards,
    ...options,
    resolve(provider, account) {
      const matches = providers.filter(
        (p) =>
          (provider === undefined || p.provider === provider) &&
          (account === undefined || p.account === account),
      );
      if (matches.length > 0) return matches[0];
      const known = providers.map((p) => `${p.provider}/${p.account}`).join(", ") || "none";
      return { error: `no provider account ${provider ?? "*"}/${account ?? "*"} (configured: ${known})` };
    },
  };
}
