import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { buildApplicationSchema } from "./application-schema.js";
import { renderFormatReference } from "./format-doc.js";
import { GENERATED_VALIDATORS_PATH, generateValidatorsSource } from "./generate-validators.js";
import { buildPipelineSchema, STAGE_TYPE_SPECS } from "./pipeline-schema.js";

const repo = new URL("../../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, repo), "utf8");
/** Formatting-insensitive form of the generated markdown (biome pads tables). */
const normalize = (text: string) =>
  text
    .split("\n")
    .map((line) => line.replace(/\s+/g, "").replace(/-{3,}/g, "---"))
    .join("\n");

describe("committed schema files", () => {
  it("are up to date with core/src/schema (run `npm run schema:build`)", () => {
    expect(JSON.parse(read("schemas/pipeline.schema.json"))).toEqual(buildPipelineSchema());
    expect(JSON.parse(read("schemas/application.schema.json"))).toEqual(buildApplicationSchema());
    expect(normalize(read("docs/format.md"))).toEqual(normalize(renderFormatReference()));
  });

  it("include validators generated from the current schemas (run `npm run schema:build`)", () => {
    // Byte for byte: the validators are the schema compiled by ajv, so any schema or ajv change
    // must regenerate them. On a mismatch, show where (the file is too long for a full diff).
    const committed = read(GENERATED_VALIDATORS_PATH);
    const fresh = generateValidatorsSource();
    let at = 0;
    while (at < committed.length && committed[at] === fresh[at]) at++;
    const around = (text: string) => text.slice(Math.max(0, at - 80), at + 80);
    expect(
      at === committed.length && at === fresh.length
        ? undefined
        : { committed: around(committed), fresh: around(fresh) },
    ).toBeUndefined();
  });

  it("are valid draft-07 schemas for ajv in strict mode", () => {
    for (const file of ["schemas/pipeline.schema.json", "schemas/application.schema.json"]) {
      // Union types (`integer | string` for expression-valued numbers) are standard draft-07;
      // markdownDescription is the editors' hover annotation.
      const ajv = new Ajv({ strict: true, allowUnionTypes: true });
      ajv.addKeyword("markdownDescription");
      const schema = JSON.parse(read(file));
      expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
      expect(ajv.validateSchema(schema)).toBe(true);
      expect(() => ajv.compile(schema)).not.toThrow();
    }
  });

  it("describes every property and gives every stage type an example that validates", () => {
    const schema = buildPipelineSchema();
    const missing: string[] = [];
    const visit = (node: Record<string, unknown>, where: string) => {
      for (const [name, prop] of Object.entries(
        (node.properties ?? {}) as Record<string, Record<string, unknown>>,
      )) {
        const empty = Object.keys(prop).length === 0; // names declared for conditional `required`
        if (!empty && !prop.description && !prop.$ref) missing.push(`${where}.${name}`);
        visit(prop, `${where}.${name}`);
        if (prop.items) visit(prop.items as Record<string, unknown>, `${where}.${name}[]`);
      }
      for (const key of ["then", "else"]) if (node[key]) visit(node[key] as Record<string, unknown>, where);
      for (const sub of (node.allOf ?? []) as Record<string, unknown>[]) visit(sub, where);
    };
    visit(schema as Record<string, unknown>, "");
    for (const [name, def] of Object.entries(schema.definitions ?? {}))
      visit(def as Record<string, unknown>, name);
    expect(missing).toEqual([]);
    for (const spec of STAGE_TYPE_SPECS) {
      expect(schema.definitions?.[`stage-${spec.type}`]?.examples).toEqual([spec.example]);
    }
  });
});
