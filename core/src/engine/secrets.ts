// Which secret values a run knows and masks. The masking itself is mask.ts.

/** The secrets a pipeline declares that have a value, by name (undeclared ones stay hidden). */
export function declaredSecrets(
  names: readonly string[],
  values: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) if (name in values) out[name] = values[name];
  return out;
}

/** The non-empty values of a set of secrets: what masking replaces. */
export function secretValuesOf(secrets: Readonly<Record<string, string>>): string[] {
  return Object.values(secrets).filter((v) => v.length > 0);
}
