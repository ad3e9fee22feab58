// Writes the benchmark fixture: a Capstan pipeline with N stages of 6-7 lines each, a chain of
// dependsOn, one expression per stage, and three deliberate errors (LSP-ANCHORS 4.3 step 1): a
// schema error both servers must report (stage 20's `onFailure` is not one of the allowed values),
// and two that only Capstan checks (stage 10's type is not one it can run; stage 30's expression
// reads a stage that does not exist).
// Usage: node bench/lsp/generate.mjs N OUT_DIR  ->  OUT_DIR/pipeline-N.pipeline.yml
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

const TYPES = [
  ["wait", ["    duration: 5s"]],
  ["run", ["    command: echo hello"]],
  ["webhook", ["    url: https://example.com/hook"]],
  ["manualJudgment", ["    inputs: [continue, rollback]"]],
];

/**
 * The fixture text for `n` stages. `expressions: false` leaves out the `if:` expressions (our
 * server has no switch to turn its expression checks off; this gives it none to check).
 */
export function pipelineText(n, { expressions = true } = {}) {
  const out = ["name: bench-pipeline", "parameters:", "  - name: env", "    default: staging", "stages:"];
  for (let i = 1; i <= n; i++) {
    const [type, fields] = TYPES[i % TYPES.length];
    out.push(`  - id: s${i}`, `    name: Stage ${i}`, `    type: ${i === 10 ? "notAStageType" : type}`);
    if (i > 1) out.push(`    dependsOn: [s${i - 1}]`);
    out.push(`    onFailure: ${i === 20 ? "haltEverything" : "haltPipeline"}`);
    const read = i === 30 ? "Stage 0" : `Stage ${Math.max(1, i - 1)}`;
    if (expressions) out.push(`    if: "\${ #stage('${read}')['status'] == 'SUCCEEDED' }"`);
    out.push(...fields);
  }
  return `${out.join("\n")}\n`;
}

/**
 * The same pipeline written the way people use anchors: the first stage's `onFailure` and each
 * type's fields carry an anchor, and every later stage refers to them with aliases.
 */
export function aliasPipelineText(n) {
  const anchored = new Set();
  return pipelineText(n)
    .split("\n")
    .map((line) => {
      const m = /^(\s+)(onFailure|duration|command|url|inputs): (.*)$/.exec(line);
      if (!m || m[3] === "haltEverything") return line;
      const [, indent, key, value] = m;
      if (anchored.has(key)) return `${indent}${key}: *${key}`;
      anchored.add(key);
      return `${indent}${key}: &${key} ${value}`;
    })
    .join("\n");
}

/** A few hundred bytes whose aliases expand to 9^7 nodes (a "billion laughs"). */
export function aliasBombText() {
  const out = [
    "name: bomb",
    "stages:",
    "  - id: a",
    "    type: wait",
    "    duration: 5s",
    '    l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ];
  for (let i = 1; i <= 7; i++)
    out.push(
      `    l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(",")}]`,
    );
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
