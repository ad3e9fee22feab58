// Generates a pipeline of N stages shaped like real ones: a few parallel lanes of mixed stage
// types, joins every few levels, expressions in `if` and preconditions, a judgment per lane.
export function generatePipeline(stages, lanes = 8) {
  const lines = [
    `name: generated-${stages}`,
    "parameters:",
    "  - name: env",
    "    default: prod",
    "    options: [prod, staging]",
    "stages:",
    "  - id: start",
    "    type: wait",
    "    duration: 0s",
  ];
  const previous = Array(lanes).fill("start");
  for (let i = 1; i < stages; i++) {
    const lane = i % lanes;
    const id = `s${i}`;
    const join = i % 97 === 0;
    const deps = join ? [...new Set(previous)] : [previous[lane]];
    lines.push(`  - id: ${id}`, `    name: Stage ${i}`);
    switch (i % 5) {
      case 0:
        lines.push("    type: manualJudgment", "    inputs: [continue, rollback]");
        break;
      case 1:
        lines.push(
          "    type: checkPreconditions",
          "    preconditions:",
          "      - type: expression",
          `        expression: "\${ #stage('${previous[lane]}').status == 'SUCCEEDED' and parameters.env == 'prod' }"`,
        );
        break;
      case 2:
        lines.push(
          "    type: evaluateVariables",
          "    variables:",
          `      - key: v${i}`,
          `        value: "\${ parameters.env }-${i}"`,
        );
        break;
      case 3:
        lines.push("    type: run", `    command: echo ${id}`, "    timeout: 5m");
        break;
      default:
        lines.push("    type: wait", "    duration: 0s", `    if: "\${ parameters.env != 'staging' }"`);
    }
    lines.push(`    dependsOn: [${deps.join(", ")}]`);
    if (join) previous.fill(id);
    else previous[lane] = id;
  }
  return `${lines.join("\n")}\n`;
}
