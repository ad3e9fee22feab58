// Parameters and variables named like Object.prototype's members are ordinary keys, as in Orca
// (issue 18 item 10): `constructor`, `toString`, `__proto__` keep their values end to end, a
// required `constructor` without a value is reported, an evaluateVariables key `__proto__` survives.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { keyValues } from "../../cli/src/commands/run.js";
import type { CliIo } from "../../cli/src/io.js";
import { main } from "../../cli/src/main.js";
import { compileTriggers } from "../../core/src/compile/triggers.js";
import { resolveParameters } from "../../core/src/engine/engine.js";
import { SpelEvaluator } from "../../core/src/engine/spel-evaluator.js";
import { pipelineFrom, runPipeline } from "../../core/src/engine/testdata/kit.js";

const declared = `
name: p
parameters:
  - { name: constructor, default: c0 }
  - { name: toString }
  - { name: __proto__ }
  - { name: hasOwnProperty, required: true }
stages:
  - id: vars
    type: evaluateVariables
    variables:
      - { key: __proto__, value: "\${ parameters['__proto__'] }-v" }
      - { key: seen, value: "\${ parameters['constructor'] }/\${ parameters['toString'] }/\${ __proto__ }" }
  - id: after
    type: evaluateVariables
    dependsOn: [vars]
    variables:
      - { key: upstream, value: "\${ __proto__ }|\${ #stage('vars').outputs['__proto__'] }" }
`;

const own = (o: unknown, k: string) =>
  o && typeof o === "object" && Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : "<missing>";

describe("keys named like Object.prototype's members", () => {
  it("resolveParameters sees only supplied keys and keeps every name", () => {
    const pipeline = pipelineFrom(declared);
    const missing = resolveParameters(pipeline, { toString: "t" });
    expect(missing.errors).toEqual(["parameter 'hasOwnProperty' is required"]);
    const supplied = JSON.parse('{"toString": "t", "__proto__": "p", "hasOwnProperty": "h"}');
    const { parameters, errors } = resolveParameters(pipeline, supplied);
    expect(errors).toEqual([]);
    expect(own(parameters, "constructor")).toBe("c0");
    expect(own(parameters, "toString")).toBe("t");
    expect(own(parameters, "__proto__")).toBe("p");
    expect(own(parameters, "hasOwnProperty")).toBe("h");
    const required = pipelineFrom(
      "name: q\nparameters: [{ name: constructor, required: true }]\nstages: [{ id: w, type: wait, duration: 0s }]\n",
    );
    expect(resolveParameters(required, {}).errors).toEqual(["parameter 'constructor' is required"]);
  });

  it("--param keeps __proto__ and friends as keys", () => {
    const values = keyValues(["__proto__=p", "constructor=c", "toString=t"], "--param");
    expect([own(values, "__proto__"), own(values, "constructor"), own(values, "toString")]).toEqual([
      "p",
      "c",
      "t",
    ]);
  });

  it("an execution keeps them in parameters, variables and downstream stages", async () => {
    const supplied = JSON.parse('{"toString": "t", "__proto__": "p", "hasOwnProperty": "h"}');
    const r = await runPipeline(declared, { expressions: new SpelEvaluator() }, { parameters: supplied });
    expect(own(r.parameters, "__proto__")).toBe("p");
    expect(own(r.parameters, "constructor")).toBe("c0");
    const [vars, after] = r.stages;
    expect(own(vars.outputs, "__proto__")).toBe("p-v");
    expect(own(vars.outputs, "seen")).toBe("c0/t/p-v");
    expect(own(after.outputs, "upstream")).toBe("p-v|p-v");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("the compiled workflow_dispatch inputs keep them", () => {
    const { on } = compileTriggers(pipelineFrom(declared));
    const inputs = (on.workflow_dispatch as { inputs: Record<string, unknown> }).inputs;
    expect(Object.keys(inputs)).toEqual(["constructor", "toString", "__proto__", "hasOwnProperty"]);
    expect(Object.getPrototypeOf(inputs)).not.toHaveProperty("description");
  });

  it("capstan run --param __proto__=... reaches the pipeline", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-proto-"));
    const file = path.join(dir, "p.yml");
    fs.writeFileSync(file, declared);
    const out: string[] = [];
    const cli: CliIo = {
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      cwd: dir,
      env: { USER: "t" },
      isTTY: false,
    };
    const code = await main(
      [
        "run",
        file,
        "--json",
        "--state-dir",
        path.join(dir, "state"),
        "--param",
        "__proto__=p",
        "--param",
        "toString=t",
        "--param",
        "hasOwnProperty=h",
      ],
      cli,
    );
    const record = JSON.parse(out.find((t) => t.trimStart().startsWith("{")) ?? "{}");
    expect(code, out.join("")).toBe(0);
    expect(own(record.parameters, "__proto__")).toBe("p");
    expect(own(record.stages[0].outputs, "seen")).toBe("c0/t/p-v");
    const refused = await main(["run", file, "--state-dir", path.join(dir, "state2"), "--new"], cli);
    expect(refused).not.toBe(0);
    expect(out.join("")).toContain("parameter 'hasOwnProperty' is required");
  });
});
