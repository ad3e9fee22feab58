/**
 * Reads a `$CAPSTAN_OUTPUT` file: a JSON object, or Java-properties-style KEY=VALUE lines
 * (Spinnaker's property file). Returns an error message for a JSON file that is not an object.
 */
export function parseOutputFile(text: string): { outputs: Record<string, unknown> } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { outputs: {} };
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      const value = JSON.parse(trimmed) as unknown;
      if (value && typeof value === "object" && !Array.isArray(value))
        return { outputs: value as Record<string, unknown> };
      return { error: "the $CAPSTAN_OUTPUT file holds JSON that is not an object" };
    } catch (error) {
      return { error: `the $CAPSTAN_OUTPUT file is not valid JSON: ${(error as Error).message}` };
    }
  }
  const outputs: Record<string, unknown> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
    if (m) outputs[m[1]] = m[2];
  }
  return { outputs };
}
