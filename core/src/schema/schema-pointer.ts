import type { JsonSchema } from "./schema-kit.js";

/**
 * The full node (with annotations) a validator's schema node was stripped from, or the node itself
 * when it carries no pointer (subschemas kept whole, such as `propertyNames`, are full already).
 */
export function fullSchemaNode(root: JsonSchema, node: unknown): JsonSchema {
  if (typeof node !== "object" || node === null) return {};
  const pointer = (node as JsonSchema).$comment;
  if (typeof pointer !== "string" || !pointer.startsWith("#")) return node as JsonSchema;
  let current: unknown = root;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    current =
      typeof current === "object" && current !== null ? (current as Record<string, unknown>)[key] : undefined;
  }
  return typeof current === "object" && current !== null ? (current as JsonSchema) : (node as JsonSchema);
}
