import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { compilePipelineText } from "./compile.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests read parsed YAML freely
type Data = Record<string, any>;

const compile = (yaml: string) => compilePipelineText(yaml, { pipelineFile: ".capstan/pipelines/p.yml" });
const jobs = (yaml: string): Data => (parse(compile(yaml).workflow!) as Data).jobs;
const errors = (yaml: string) => compile(yaml).diagnostics.filter((d) => d.severity === "error");
const runsOn = (yaml: string) =>
  Object.fromEntries(Object.entries(jobs(yaml)).map(([id, job]) => [id, (job as Data)["runs-on"]]));

const JUDGED = (head: string, judgeExtra = "", aExtra = "") => `name: p
${head}stages:
  - { id: a, type: wait, duration: 1s${aExtra} }
  - { id: j, type: manualJudgment, dependsOn: [a], inputs: [go]${judgeExtra} }
  - { id: b, type: wait, dependsOn: [j], duration: 1s }
`;

const LOCAL = (head: string, extra = "") => `name: local
${head}stages:
  - id: deploy
    type: deploy
    clusters:
      - { provider: local, application: myapp, stack: prod, capacity: { min: 1, desired: 1, max: 1 }, command: "node server.js" }
  - id: judge
    type: manualJudgment
    dependsOn: [deploy]
    inputs: [continue, rollback]
  - id: shrink
    type: resizeServerGroup
    dependsOn: [judge]
    cluster: myapp-prod
    target: newest
    action: scaleDown
    percent: 50${extra}
`;

describe("runsOn: where the generated jobs run", () => {
  it("is ubuntu-latest for every job without runsOn", () => {
    expect(new Set(Object.values(runsOn(JUDGED(""))))).toEqual(new Set(["ubuntu-latest"]));
  });

  it("takes the pipeline's runsOn for every job, in each form GitHub's runs-on takes", () => {
    const forms: [string, unknown][] = [
      ["runsOn: ubuntu-24.04\n", "ubuntu-24.04"],
      ["runsOn: [self-hosted, deploy]\n", ["self-hosted", "deploy"]],
      ["runsOn: { group: deployers }\n", { group: "deployers" }],
      [
        "runsOn: { group: deployers, labels: [linux, x64] }\n",
        { group: "deployers", labels: ["linux", "x64"] },
      ],
      ["runsOn: { labels: deploy }\n", { labels: "deploy" }],
    ];
    for (const [head, expected] of forms) {
      expect(errors(JUDGED(head)), head).toEqual([]);
      const all = runsOn(JUDGED(head));
      expect(Object.keys(all)).toEqual(["preflight", "run", "gate-j", "after-j", "finalize"]);
      for (const [job, value] of Object.entries(all)) expect(value, `${head} ${job}`).toEqual(expected);
    }
  });

  it("a stage's runsOn decides its job's runner; a judgment's, its gate's", () => {
    const all = runsOn(
      JUDGED(
        "runsOn: ubuntu-latest\n",
        ", runsOn: [self-hosted, approvals]",
        ", runsOn: [self-hosted, build]",
      ),
    );
    expect(all).toEqual({
      preflight: "ubuntu-latest",
      run: ["self-hosted", "build"],
      "gate-j": ["self-hosted", "approvals"],
      "after-j": "ubuntu-latest",
      finalize: "ubuntu-latest",
    });
  });

  it("refuses two stages of one job that ask for different runners", () => {
    const yaml = `name: p
stages:
  - { id: a, type: wait, duration: 1s, runsOn: [self-hosted, one] }
  - { id: b, type: wait, duration: 1s, runsOn: [self-hosted, two] }
`;
    const [error] = errors(yaml);
    expect(error.code).toBe("runs-on-conflict");
    expect(error.message).toContain("'a' and 'b'");
    expect(error.message).toContain("job 'run'");
    expect(yaml.slice(error.span.start, error.span.end)).toBe("[self-hosted, two]");
  });

  it("the schema refuses runsOn that GitHub's runs-on would not take", () => {
    for (const bad of [
      "runsOn: 3",
      "runsOn: []",
      'runsOn: ""',
      "runsOn: { group: g, os: linux }",
      "runsOn: {}",
    ]) {
      const found = errors(JUDGED(`${bad}\n`));
      expect(found.length, bad).toBeGreaterThan(0);
    }
  });
});

describe("the local provider on GitHub-hosted runners", () => {
  it("refuses a local-provider pipeline without runsOn, saying what to do", () => {
    const yaml = LOCAL("");
    const found = errors(yaml);
    // One diagnostic for the one thing to change, naming every stage it concerns.
    expect(found.map((d) => d.code)).toEqual(["local-provider-hosted-runner"]);
    const [error] = found;
    expect(error.message).toContain("Stages 'deploy' and 'shrink' use the local provider");
    expect(error.message).toContain(
      "their jobs 'run', 'after-judge' run on GitHub-hosted ubuntu-latest (the default)",
    );
    expect(error.message).toContain("`runsOn: [self-hosted, deploy]` on the pipeline");
    expect(error.message).toContain("kubernetes");
    expect(yaml.slice(error.span.start, error.span.end)).toBe("local");
    expect(compile(yaml).workflow).toBeUndefined();
  });

  it("refuses it for hosted labels too, at the runsOn that names them", () => {
    for (const runner of ["ubuntu-latest", "[windows-2022]", "{ group: big, labels: [macos-14] }"]) {
      const yaml = LOCAL(`runsOn: ${runner}\n`);
      const found = errors(yaml);
      expect(found.length, runner).toBeGreaterThan(0);
      expect(found[0].code).toBe("local-provider-hosted-runner");
      expect(yaml.slice(found[0].span.start, found[0].span.end)).toBe(runner);
    }
  });

  it("compiles it for a self-hosted runner, every job on the same labels", () => {
    const yaml = LOCAL("runsOn: [self-hosted, deploy]\n");
    expect(errors(yaml)).toEqual([]);
    for (const value of Object.values(runsOn(yaml))) expect(value).toEqual(["self-hosted", "deploy"]);
    // A runner group or custom labels are not GitHub-hosted either.
    expect(errors(LOCAL("runsOn: { group: deployers }\n"))).toEqual([]);
  });

  it("a stage's own self-hosted runsOn is enough for its job", () => {
    const yaml = LOCAL("", "\n    runsOn: [self-hosted, deploy]");
    const found = errors(yaml);
    expect(found.map((d) => d.message.match(/^Stages? '(\w+)' uses/)?.[1])).toEqual(["deploy"]);
  });

  it("server-group stages on a kubernetes cluster, and the default provider, are told apart", () => {
    const kube = `name: k
stages:
  - id: deploy
    type: deploy
    clusters:
      - { provider: kubernetes, application: myapp, stack: prod, capacity: { min: 1, desired: 1, max: 1 }, image: nginx }
  - { id: shrink, type: resizeServerGroup, dependsOn: [deploy], cluster: myapp-prod, target: newest, action: scaleDown, percent: 50 }
`;
    expect(errors(kube)).toEqual([]);
    // No provider: the local provider is the default, for a deploy and for a stage on its own.
    const defaulted = `name: d
stages:
  - { id: shrink, type: resizeServerGroup, cluster: other-prod, target: newest, action: scaleDown, percent: 50 }
`;
    expect(errors(defaulted).map((d) => d.code)).toEqual(["local-provider-hosted-runner"]);
  });
});
