import { applicationSchema } from "./application-schema.js";
import { pipelineSchema, STAGE_TYPE_NAMES, stageDefinitionName } from "./pipeline-schema.js";
import type { JsonSchema } from "./schema-kit.js";

/**
 * The schemas the validators in validators.generated.ts are compiled from (at build time, by
 * generate-validators.ts): annotations stripped, since they only grow the generated code, and
 * `stages` items left to per-stage validators, so a file's stages are each checked against their
 * own type's definition (one error per stage instead of a oneOf over every type).
 *
 * Every node keeps the JSON pointer of the full node it came from in `$comment` (a keyword ajv
 * ignores): the generated code holds copies of these nodes, so an error's `parentSchema` finds
 * its full node, with descriptions for messages, through that pointer.
 */
export interface RuntimeSchemas {
  pipeline: JsonSchema;
  application: JsonSchema;
}

/** The definitions validateSchema calls directly: the stage shape check and each stage type's. */
export function stageValidatorDefinitions(): string[] {
  return ["stage-shape", ...STAGE_TYPE_NAMES.map(stageDefinitionName), "stage-other"];
}

/** The generated module's export name for a definition (`stage-wait` -> `stage_wait`). */
export function validatorExportName(definition: string): string {
  return definition.replace(/[^A-Za-z0-9_$]/g, "_");
}

const ANNOTATIONS = new Set(["description", "markdownDescription", "examples", "$comment", "default"]);
const SCHEMA_MAPS = new Set(["properties", "definitions"]);
const SUBSCHEMAS = new Set(["items", "if", "then", "else", "not"]);
/**
 * Repeated subschemas at least this long (stripped JSON) become shared functions. Even
 * `{"type":"string"}` is shorter as a call than inline (its inline check carries a full error
 * object); only the empty schemas of conditional `required` names are left inline.
 */
const SHARE_MIN_LENGTH = 3;

const escapePointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

/** The subschemas of a node (the ones strip descends into). */
function children(node: JsonSchema): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (SCHEMA_MAPS.has(key)) out.push(...Object.values(value as Record<string, JsonSchema>));
    else if (key === "allOf") out.push(...(value as JsonSchema[]));
    else if (SUBSCHEMAS.has(key) || (key === "additionalProperties" && typeof value === "object"))
      out.push(value as JsonSchema);
  }
  return out;
}

/**
 * Strips annotations, marks every node with its pointer, and turns subschemas that occur more
 * than once with identical content (stage types repeat the common stage fields: id, if, timeout,
 * notifications...) into shared definitions, so the generated code checks them in one function
 * instead of one copy per stage type. Identical full nodes only: whichever copy a shared node's
 * pointer names, the descriptions found through it are the same.
 */
class Stripper {
  private readonly counts = new Map<string, number>();
  private readonly sharedNames = new Map<string, string>();
  readonly shared: Record<string, JsonSchema> = {};

  constructor(private readonly full: JsonSchema) {
    this.count(full, true);
  }

  private count(node: JsonSchema, isRoot: boolean): void {
    if (!isRoot) {
      const key = JSON.stringify(node);
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
    for (const child of children(node)) this.count(child, false);
  }

  strip(node: JsonSchema, pointer: string, shareable: boolean): JsonSchema {
    if (shareable) {
      const key = JSON.stringify(node);
      if ((this.counts.get(key) ?? 0) > 1) {
        let name = this.sharedNames.get(key);
        if (!name) {
          const stripped = this.strip(node, pointer, false);
          const { $comment: _, ...content } = stripped;
          if (JSON.stringify(content).length < SHARE_MIN_LENGTH) return stripped;
          name = `shared-${this.sharedNames.size + 1}`;
          this.sharedNames.set(key, name);
          this.shared[name] = stripped;
        }
        return { $ref: `#/definitions/${name}` };
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (ANNOTATIONS.has(key)) continue;
      if (SCHEMA_MAPS.has(key)) {
        const entries = Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [
          k,
          // Definitions are functions already; only what sits inside them is worth sharing.
          this.strip(v, `${pointer}/${key}/${escapePointer(k)}`, key === "properties"),
        ]);
        out[key] = Object.fromEntries(entries);
      } else if (key === "allOf") {
        out[key] = (value as JsonSchema[]).map((v, i) => this.strip(v, `${pointer}/allOf/${i}`, true));
      } else if (SUBSCHEMAS.has(key) || (key === "additionalProperties" && typeof value === "object")) {
        out[key] = this.strip(value as JsonSchema, `${pointer}/${key}`, true);
      } else {
        out[key] = value;
      }
    }
    out.$comment = pointer;
    return out as JsonSchema;
  }

  /** The stripped root, with the shared definitions it refers to added to its definitions. */
  root(): JsonSchema {
    const root = this.strip(this.full, "#", false);
    inlineSingleUse(root, this.shared);
    root.definitions = { ...root.definitions, ...this.shared };
    return root;
  }
}

/** A shared node referred to once (it only ever occurred inside another shared node) goes back inline. */
function inlineSingleUse(root: JsonSchema, shared: Record<string, JsonSchema>): void {
  const uses = new Map<string, number>();
  const visit = (node: JsonSchema, fn: (n: JsonSchema) => void) => {
    fn(node);
    for (const child of children(node)) visit(child, fn);
  };
  const all = [root, ...Object.values(shared)];
  for (const top of all)
    visit(top, (n) => {
      if (n.$ref?.startsWith("#/definitions/shared-")) uses.set(n.$ref, (uses.get(n.$ref) ?? 0) + 1);
    });
  const once = new Set([...uses].filter(([, n]) => n === 1).map(([ref]) => ref));
  for (const name of Object.keys(shared)) if (!uses.has(`#/definitions/${name}`)) delete shared[name];
  for (const top of all)
    visit(top, (n) => {
      const ref = n.$ref;
      if (!ref || !once.has(ref)) return;
      const name = ref.slice("#/definitions/".length);
      delete n.$ref;
      Object.assign(n, shared[name]);
    });
  for (const ref of once) delete shared[ref.slice("#/definitions/".length)];
}

/** Builds the stripped, pointer-marked schemas (build time only: the validators are generated). */
export function runtimeSchemas(): RuntimeSchemas {
  const full = pipelineSchema();
  // Each stage is checked by its own type's validator; the root only checks that `stages` is a list.
  const stages: JsonSchema = { type: "array", minItems: 1 };
  const pipeline = new Stripper({ ...full, properties: { ...full.properties, stages } }).root();
  pipeline.definitions = {
    ...pipeline.definitions,
    "stage-shape": {
      title: "stage",
      type: "object",
      required: ["type"],
      properties: { type: { type: "string" } },
      $comment: "#/definitions/stage",
    },
  };
  return { pipeline, application: new Stripper(applicationSchema()).root() };
}

export { fullSchemaNode } from "./schema-pointer.js";
