/**
 * The pipeline a `pipeline` stage or trigger names: the text itself, or the argument of
 * `${ #pipelineId('name') }`; undefined for other expressions (known only when the run starts).
 */
export function pipelineNameOf(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  if (!value.includes("${")) return value;
  const m = /^\s*\$\{\s*#pipelineId\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\)\s*\}\s*$/.exec(
    value,
  );
  return m ? (m[1] ?? m[2]) : undefined;
}
