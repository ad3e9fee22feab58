import type { JsonSchema } from "./schema-kit.js";

/** The source description of one stage type, composed with the common fields by the schema builder. */
export interface StageTypeSpec {
  /** The `type` value. */
  type: string;
  /** Spinnaker's display name, e.g. "Manual Judgment". */
  label: string;
  description: string;
  /** Fields of this type only (the common fields are added by the builder). */
  properties: Record<string, JsonSchema>;
  required?: string[];
  /** Extra conditions, e.g. "`command` unless `args`". */
  allOf?: JsonSchema[];
  /** A complete, valid stage of this type (docs and editor snippets). */
  example: Record<string, unknown>;
  /** Definitions this type needs (clusters, preconditions ...). */
  definitions?: Record<string, JsonSchema>;
  /** Definition used for the stage's `notifications` items. */
  notificationDefinition?: string;
}

/** `then` requires `field` unless `other` is present: "write duration or waitTime". */
export function requiredUnless(field: string, other: string): JsonSchema {
  // The empty `properties` entries declare the names for ajv's strictRequired check.
  return {
    if: { properties: { [other]: {} }, required: [other] },
    // Listing `other` too lets error messages say "needs 'duration' (or 'waitTime')".
    else: { properties: { [field]: {}, [other]: {} }, required: [field] },
  };
}
