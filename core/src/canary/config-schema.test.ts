import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { canaryConfigSchema } from "./config-schema.js";

const committed = () =>
  JSON.parse(readFileSync(new URL("../../../schemas/canary-config.schema.json", import.meta.url), "utf8"));

describe("schemas/canary-config.schema.json", () => {
  it("is up to date with core/src/canary (run `npm run schema:build`)", () => {
    expect(committed()).toEqual(canaryConfigSchema());
  });

  it("is a valid draft-07 schema for ajv in strict mode, and accepts Kayenta's JSON", () => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    const schema = committed();
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(ajv.validateSchema(schema)).toBe(true);
    const validate = ajv.compile(schema);
    const kayenta = JSON.parse(
      readFileSync(new URL("./testdata/kayenta-prometheus.json", import.meta.url), "utf8"),
    );
    expect(validate(kayenta), JSON.stringify(validate.errors)).toBe(true);
  });
});
