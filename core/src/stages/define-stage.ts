import type { StageHandler } from "../engine/handler.js";
import type { ImportContext } from "../import/context.js";
import type { StageSpec as ImportRules } from "../import/stage-rules.js";
import type { JsonSchema } from "../schema/schema-kit.js";
import type { StageFieldReader } from "./stage-fields.js";

/** The JSON Schema fragment of one stage type; the schema builder adds the common stage fields. */
export interface StageSchema {
  /** Fields of this type only. */
  properties: Record<string, JsonSchema>;
  required?: string[];
  /** Extra conditions, e.g. "`command` unless `args`". */
  allOf?: JsonSchema[];
  /** A complete, valid stage of this type (docs, hover and editor snippets). */
  example: Record<string, unknown>;
  /** Definitions this type's fields refer to (clusters, preconditions ...). */
  definitions?: Record<string, JsonSchema>;
  /** Definition used for the stage's `notifications` items (default: stage notifications). */
  notificationDefinition?: string;
}

/** One value a stage publishes, read downstream as `#stage('X')['outputs']['name']`. */
export interface StageOutput {
  name: string;
  /** A JSON type name or a short shape, e.g. `string`, `number`, `map of server group -> capacity`. */
  type: string;
  description: string;
}

/** How a Spinnaker stage of this type becomes a Capstan stage. */
export interface StageImport extends Omit<ImportRules, "type"> {
  /** Spinnaker types that import as this type; default `[type]` (older names, e.g. resizeAsg). */
  from?: readonly string[];
  /** The Spinnaker stage is kept as written (Capstan cannot convert it yet); this notes what would carry over. */
  keptAsWritten?: (stage: Record<string, unknown>, path: string, ctx: ImportContext) => void;
}

/** Where docs/stages.md lists the type. */
export type StageGroup = "core" | "server-group" | "kubernetes" | "canary";

/**
 * Everything Capstan knows about one stage type, gathered in its folder under
 * `core/src/stages/<type>/`: the rest of the code derives schema, validation, import, docs,
 * completion, hover and graph icons from these definitions and holds no per-type knowledge.
 */
export interface StageDefinition {
  /** The `type` value. */
  type: string;
  /** Spinnaker's display name, e.g. "Manual Judgment". */
  label: string;
  /** One paragraph: what the stage does. */
  description: string;
  group: StageGroup;
  schema: StageSchema;
  /**
   * Typed fields of the stage model (`Pipeline.stages[i]`), read from the stage as written.
   * Fields of the wrong type are left out: the schema reports them.
   */
  model?: (raw: Record<string, unknown>, read: StageFieldReader) => Record<string, unknown>;
  /** What the stage publishes as outputs (completion and hover after `#stage('X')['outputs']`). */
  outputs?: readonly StageOutput[];
  /** Context keys the stage writes while it runs (readable as `#stage('X')['context']['key']`). */
  contextKeys?: readonly string[];
  /** Output names that depend on the stage's fields (evaluateVariables' keys). */
  dynamicOutputs?: (raw: Record<string, unknown>) => string[];
  /** How `capstan import spinnaker` maps Spinnaker's fields; absent: the type is not imported. */
  import?: StageImport;
  /** The type's section of docs/stages.md (Markdown, without its heading). */
  docs: string;
  /** The graph view's icon key (`extension/media/icons`); default `stage`. */
  icon?: string;
  /** The stage creates server groups: `#deployedServerGroups()` and GitHub deployments list them. */
  deploysServerGroups?: boolean;
  /** How the engine runs it; absent: Capstan knows the type but cannot run it yet. */
  handler?: StageHandler;
}

/** Declares a stage type; checks that its handler, when present, is for the same type. */
export function defineStage(definition: StageDefinition): StageDefinition {
  if (definition.handler && definition.handler.type !== definition.type)
    throw new Error(`stage ${definition.type}: its handler is for '${definition.handler.type}'`);
  return Object.freeze(definition);
}
