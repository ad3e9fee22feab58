#!/usr/bin/env node
// Writes schemas/pipeline.schema.json, schemas/application.schema.json,
// schemas/canary-config.schema.json (from core/src/canary), docs/format.md,
// docs/stages.md (from the stage definitions in core/src/stages/<type>/) and the
// validators compiled from those schemas (core/src/schema/validators.generated.ts, ajv standalone
// code) from core/src/schema (compiled to core/dist by `tsc -b core`, which `npm run schema:build`
// runs first).
// `--check` writes nothing and exits 1 when a committed file is out of date.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { buildApplicationSchema, buildPipelineSchema, renderFormatReference } = await import(
  join(root, "core/dist/schema/index.js")
);
const { builtinStages, renderStageReference } = await import(join(root, "core/dist/stages/index.js"));
const { canaryConfigSchema } = await import(join(root, "core/dist/canary/index.js"));
const { GENERATED_VALIDATORS_PATH, generateValidatorsSource } = await import(
  join(root, "core/dist/schema/generate-validators.js")
);
const check = process.argv.includes("--check");

const outputs = [
  ["schemas/pipeline.schema.json", `${JSON.stringify(buildPipelineSchema(), null, 2)}\n`],
  ["schemas/application.schema.json", `${JSON.stringify(buildApplicationSchema(), null, 2)}\n`],
  ["schemas/canary-config.schema.json", `${JSON.stringify(canaryConfigSchema(), null, 2)}\n`],
  ["docs/format.md", renderFormatReference()],
  ["docs/stages.md", renderStageReference(builtinStages())],
];

// Format the files the way `biome check` wants it (the repository's biome.json), so the committed
// files pass lint unchanged.
const biome = join(root, "node_modules/.bin/biome");
const formatted = outputs.map(([path, text]) => {
  const out = execFileSync(biome, ["format", `--stdin-file-path=${path}`], {
    cwd: root,
    input: text,
    maxBuffer: 64 * 1024 * 1024,
    encoding: "utf8",
  });
  return [path, out];
});
// Generated code is left as ajv writes it (biome.json ignores it): formatting would only make it longer.
formatted.push([GENERATED_VALIDATORS_PATH, generateValidatorsSource()]);

let stale = 0;
for (const [path, text] of formatted) {
  const target = join(root, path);
  const current = existsSync(target) ? readFileSync(target, "utf8") : undefined;
  if (current === text) continue;
  if (check) {
    console.error(`${path} is out of date; run npm run schema:build`);
    stale++;
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${path}`);
  }
}
process.exit(stale > 0 ? 1 : 0);
