// Expression benchmark: Capstan's compiled evaluator against GitHub's @actions/expressions on
// equivalent expressions, side by side in one run, then parse+check of 10,000 distinct expressions.
// Run after `npm run build`: node bench/expr/run.mjs [--ms 2000]
import { data, Evaluator, Lexer, Parser } from "@actions/expressions";
import {
  checkExpression,
  compileExpression,
  createEvaluationContext,
  evaluateExpression,
} from "../../core/dist/expr/index.js";

const args = process.argv.slice(2);
const budgetMs = Number(args[args.indexOf("--ms") + 1] || 2000) || 2000;

const root = {
  parameters: {
    env: "prod",
    image: "ghcr.io/acme/app:1.4.2",
    dryRun: "false",
    regions: ["us-west-1", "us-east-1"],
  },
  trigger: { type: "manual", user: "ann", parameters: { image: "ghcr.io/acme/app:1.4.2" } },
  execution: {
    id: "01HX",
    stages: [
      { name: "Deploy", status: "SUCCEEDED", context: { account: "prod" } },
      { name: "judge", status: "SUCCEEDED", context: { judgmentInput: "rollback" } },
    ],
  },
};

// The same text parses in both languages except for the function call, which each spells its own way.
const CASES = [
  { name: "comparison", ours: "parameters.env == 'prod'", theirs: "parameters.env == 'prod'" },
  {
    name: "boolean logic",
    ours: "parameters.env == 'prod' && (trigger.type == 'manual' || !(parameters.dryRun == 'true'))",
    theirs: "parameters.env == 'prod' && (trigger.type == 'manual' || !(parameters.dryRun == 'true'))",
  },
  {
    name: "property/index access",
    ours: "execution.stages[1].context['judgmentInput']",
    theirs: "execution.stages[1].context['judgmentInput']",
  },
  {
    name: "function call",
    ours: "parameters.image.startsWith('ghcr.io/') && parameters.regions.contains('us-east-1')",
    theirs: "startsWith(parameters.image, 'ghcr.io/') && contains(parameters.regions, 'us-east-1')",
  },
];

/** Plain JSON to @actions/expressions data objects (done once, outside the timed loop). */
function toActionsData(v) {
  if (v === null) return new data.Null();
  if (typeof v === "string") return new data.StringData(v);
  if (typeof v === "number") return new data.NumberData(v);
  if (typeof v === "boolean") return new data.BooleanData(v);
  if (Array.isArray(v)) {
    const a = new data.Array();
    for (const item of v) a.add(toActionsData(item));
    return a;
  }
  const d = new data.Dictionary();
  for (const [k, item] of Object.entries(v)) d.add(k, toActionsData(item));
  return d;
}

function plainOf(result) {
  // @actions/expressions results are data objects; compare through their plain value.
  return result.coerceString
    ? typeof result.value === "boolean" ||
      typeof result.value === "number" ||
      typeof result.value === "string"
      ? result.value
      : result.coerceString()
    : result;
}

/**
 * Evaluations per second of `a` and `b`, measured in alternating slices so that load from other
 * processes hits both sides alike; returns the totals over all slices.
 */
function rates(a, b) {
  for (let i = 0; i < 20_000; i++) {
    a();
    b();
  } // warm up the JIT
  const slices = 20;
  const sliceNs = (BigInt(budgetMs) * 1_000_000n) / BigInt(slices);
  const total = [
    { n: 0, ns: 0n },
    { n: 0, ns: 0n },
  ];
  for (let s = 0; s < slices; s++) {
    [a, b].forEach((fn, side) => {
      const start = process.hrtime.bigint();
      let now = start;
      let n = 0;
      while (now - start < sliceNs) {
        for (let i = 0; i < 500; i++) fn();
        n += 500;
        now = process.hrtime.bigint();
      }
      total[side].n += n;
      total[side].ns += now - start;
    });
  }
  return total.map((t) => t.n / (Number(t.ns) / 1e9));
}

const ctx = createEvaluationContext({ root });
const actionsContext = toActionsData(root);
const fmt = (x) => Math.round(x).toLocaleString("en-US").padStart(12);

console.log(
  `Evaluations per second (${budgetMs} ms per side and case, in alternating slices; Node ${process.version})`,
);
console.log(`${"case".padEnd(24)}${"capstan".padStart(12)}${"@actions".padStart(12)}${"ratio".padStart(9)}`);
const ratios = [];
for (const c of CASES) {
  const compiled = compileExpression(c.ours);
  const lexed = new Lexer(c.theirs).lex();
  const parsed = new Parser(lexed.tokens, ["parameters", "trigger", "execution"], []).parse();
  const ours = evaluateExpression(compiled, ctx);
  const theirs = new Evaluator(parsed, actionsContext).evaluate();
  if (!ours.ok || ours.value !== plainOf(theirs))
    throw new Error(`${c.name}: results differ: ${JSON.stringify(ours)} vs ${String(plainOf(theirs))}`);
  const [oursRate, theirsRate] = rates(
    () => evaluateExpression(compiled, ctx),
    () => new Evaluator(parsed, actionsContext).evaluate(),
  );
  ratios.push(oursRate / theirsRate);
  console.log(
    `${c.name.padEnd(24)}${fmt(oursRate)}${fmt(theirsRate)}${`${(oursRate / theirsRate).toFixed(1)}x`.padStart(9)}`,
  );
}
const geo = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
console.log(`geometric mean ratio: ${geo.toFixed(1)}x (target >= 5x)`);

// Parse + check of 10,000 distinct expressions against a pipeline of 50 stages.
const stages = Array.from({ length: 50 }, (_, i) => ({
  id: `s${i}`,
  name: i % 5 === 0 ? `judge ${i}` : `Stage ${i}`,
  type: i % 5 === 0 ? "manualJudgment" : "deploy",
  inputs: i % 5 === 0 ? ["continue", "rollback"] : undefined,
}));
const env = { stages, parameters: ["env", "image", "region"], secrets: ["TOKEN"] };
// Shapes seen in real pipelines; every 50th expression has a mistake so the error paths
// (suggestions, messages) are part of the measurement too.
const judge = (i) => `judge ${(i % 10) * 5}`;
const SHAPES = [
  (i) => `#judgment('${judge(i)}') == 'rollback' && parameters.env == 'env${i}'`,
  (i) =>
    `#stage('Stage ${[1, 2, 3, 4, 6, 7, 8, 9][i % 8]}')['context']['exception']['exceptionType'].toString() == 'TimeoutException${i}'`,
  (i) => `parameters['image'].startsWith('ghcr.io/${i}') ? 'a${i}' : trigger.tag ?: 'latest'`,
  (i) => `execution.stages.?[status == 'SUCCEEDED'].![name].contains('Stage ${i}') and ${i} > 3`,
  (i) => `#toJson({a: ${i}, b: {1, 2, '${i}'}}).length() > secrets.TOKEN.length()`,
];
const MISTAKES = [
  (i) => `#judgment('${judge(i)}') == 'rollbak${i}'`,
  (i) => `#stage('Stage  ${i}').status`,
  (i) => `parameters.imag${i}`,
  (i) => `trigger.get('x${i}')`,
  (i) => `#toint('${i}')`,
];
const expressions = Array.from({ length: 10_000 }, (_, i) =>
  i % 50 === 49 ? MISTAKES[((i / 50) % MISTAKES.length) | 0](i) : SHAPES[i % SHAPES.length](i),
);
if (new Set(expressions).size !== expressions.length) throw new Error("expressions are not distinct");
// Wall time and CPU time: on a shared machine the CPU time is what the code itself costs.
const timeCheck = () => {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  let diagnostics = 0;
  for (const e of expressions) diagnostics += checkExpression(e, env).diagnostics.length;
  const used = process.cpuUsage(cpu);
  return {
    ms: Number(process.hrtime.bigint() - start) / 1e6,
    cpuMs: (used.user + used.system) / 1000,
    diagnostics,
  };
};
const first = timeCheck();
const warm = Array.from({ length: 5 }, timeCheck);
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `parse+check of 10,000 distinct expressions (${first.diagnostics} diagnostics; target < 100 ms):\n` +
    `  first run   ${first.ms.toFixed(1)} ms wall, ${first.cpuMs.toFixed(1)} ms CPU\n` +
    `  warm median ${median(warm.map((r) => r.ms)).toFixed(1)} ms wall, ${median(warm.map((r) => r.cpuMs)).toFixed(1)} ms CPU`,
);
