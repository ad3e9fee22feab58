import { stringify } from "yaml";
import type { JsonSchema } from "./schema-kit.js";

/**
 * Adds `markdownDescription` (editors render it on hover) with the default and, for stage
 * types, an example; `description` stays plain for other tools.
 */
export function addMarkdown(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  const mapOf = (m: Record<string, JsonSchema>) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, addMarkdown(v)]));
  if (schema.properties) out.properties = mapOf(schema.properties);
  if (schema.definitions) out.definitions = mapOf(schema.definitions);
  if (schema.items) out.items = addMarkdown(schema.items);
  if (typeof schema.additionalProperties === "object")
    out.additionalProperties = addMarkdown(schema.additionalProperties);
  if (schema.allOf) out.allOf = schema.allOf.map(addMarkdown);
  for (const key of ["if", "then", "else", "not"] as const) {
    const sub = schema[key];
    if (sub) out[key] = addMarkdown(sub);
  }
  if (schema.description !== undefined && schema.markdownDescription === undefined) {
    let text = schema.description;
    if (schema.default !== undefined) text += `\n\nDefault: \`${JSON.stringify(schema.default)}\``;
    if (schema.title?.endsWith(" stage") && schema.examples?.length) {
      text += `\n\nExample:\n\n\`\`\`yaml\n${stringify([schema.examples[0]]).trimEnd()}\n\`\`\``;
    }
    out.markdownDescription = text;
  }
  return out;
}
