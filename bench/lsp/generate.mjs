// Writes the benchmark fixture: a Capstan pipeline with N stages of 6-7 lines each, a chain of
// dependsOn, one expression per stage, and one deliberate error (stage 10 has an unknown type).
// Usage: node bench/lsp/generate.mjs N OUT_DIR  ->  OUT_DIR/pipeline-N.pipeline.yml
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

const TYPES = [
  ["wait", ["    duration: 5s"]],
  ["run", ["    command: echo hello"]],
  ["webhook", ["    url: https://example.com/hook"]],
  ["manualJudgment", ["    inputs: [continue, rollback]"]],
];

/** The fixture text for `n` stages. */
export function pipelineText(n) {
  const out = ["name: bench-pipeline", "parameters:", "  - name: env", "    default: staging", "stages:"];
  for (let i = 1; i <= n; i++) {
    const [type, fields] = TYPES[i % TYPES.length];
    out.push(`  - id: s${i}`, `    name: Stage ${i}`, `    type: ${i === 10 ? "notAStageType" : type}`);
    if (i > 1) out.push(`    dependsOn: [s${i - 1}]`);
    out.push("    onFailure: haltPipeline");
    out.push(`    if: "\${ #stage('Stage ${Math.max(1, i - 1)}')['status'] == 'SUCCEEDED' }"`);
    out.push(...fields);
  }
  return `${out.join("\n")}\n`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop())) {
  const n = Number(process.argv[2] ?? 2000);
  const dir = resolve(process.argv[3] ?? ".");
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `pipeline-${n}.pipeline.yml`);
  writeFileSync(file, pipelineText(n));
  console.log(file);
}
