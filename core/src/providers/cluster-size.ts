import type { ProviderServices } from "./services.js";

const COMPARISONS = ["<", "<=", "==", ">=", ">"] as const;

/**
 * Orca's clusterSize precondition: compares the number of server groups of `cluster` (only enabled
 * ones with `onlyEnabledServerGroups`) with `expected` (default 1) using `comparison` (default ==).
 * A missing cluster counts 0. Never throws.
 */
export async function checkClusterSize(
  providers: ProviderServices | undefined,
  fields: Record<string, unknown>,
): Promise<{ passed: boolean; message: string; actual?: number }> {
  const cluster = typeof fields.cluster === "string" ? fields.cluster : undefined;
  if (!cluster) return { passed: false, message: "clusterSize precondition needs 'cluster'" };
  const comparison = String(fields.comparison ?? "==");
  if (!(COMPARISONS as readonly string[]).includes(comparison)) {
    return {
      passed: false,
      message: `comparison must be one of ${COMPARISONS.join(" ")}, not '${comparison}'`,
    };
  }
  const expected = Number(fields.expected ?? 1);
  if (!Number.isInteger(expected) || expected < 0) {
    return { passed: false, message: `expected must be a whole number >= 0, got ${String(fields.expected)}` };
  }
  if (!providers)
    return { passed: false, message: "clusterSize needs a provider, and this run has none configured" };
  const provider = providers.resolve(
    typeof fields.provider === "string" ? fields.provider : undefined,
    typeof (fields.account ?? fields.credentials) === "string"
      ? String(fields.account ?? fields.credentials)
      : undefined,
  );
  if ("error" in provider) return { passed: false, message: provider.error };
  let groups: Awaited<ReturnType<typeof provider.listServerGroups>>;
  try {
    groups = await provider.listServerGroups(cluster);
  } catch (error) {
    return { passed: false, message: `cannot list ${cluster}: ${(error as Error).message}` };
  }
  const only = fields.onlyEnabledServerGroups === true || fields.onlyEnabledServerGroups === "true";
  const actual = groups.filter((g) => !only || !g.disabled).length;
  const passed =
    comparison === "<"
      ? actual < expected
      : comparison === "<="
        ? actual <= expected
        : comparison === "=="
          ? actual === expected
          : comparison === ">="
            ? actual >= expected
            : actual > expected;
  const what = `${only ? "enabled " : ""}server groups in ${cluster}`;
  return {
    passed,
    actual,
    message: passed
      ? `${actual} ${what} ${comparison} ${expected}`
      : `expected ${what} ${comparison} ${expected}, found ${actual}`,
  };
}
