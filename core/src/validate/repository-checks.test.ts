import { describe, expect, it } from "vitest";
import { checkRepository, pipelineNameOf } from "./repository-checks.js";
import { validatePipelineText } from "./validate.js";

const load = (text: string) => validatePipelineText(text, "p.yml");
const found = (text: string, context: Parameters<typeof checkRepository>[1]) => {
  const result = load(text);
  return checkRepository(result, context).map((d) => ({
    code: d.code,
    severity: d.severity,
    text: text.slice(d.span.start, d.span.end),
    message: d.message,
  }));
};

const parent = `name: parent
triggers:
  - { type: pipeline, pipeline: upstream }
stages:
  - { id: a, type: pipeline, pipeline: child }
  - { id: b, type: pipeline, pipeline: "\${ #pipelineId('chld') }" }
  - { id: c, type: pipeline, pipeline: "\${ parameters.which }" }
`;

describe("checks across the repository's pipelines", () => {
  it("reads the pipeline a pipeline stage names, #pipelineId('x') included", () => {
    expect(pipelineNameOf("child")).toBe("child");
    expect(pipelineNameOf("${ #pipelineId('child') }")).toBe("child");
    expect(pipelineNameOf('${#pipelineId("child")}')).toBe("child");
    expect(pipelineNameOf("${ parameters.which }")).toBeUndefined();
  });

  it("a pipeline stage or trigger naming no pipeline of the repository", () => {
    const ds = found(parent, {
      file: "p.yml",
      pipelines: [
        { name: "parent", file: "p.yml" },
        { name: "child", file: "child.yml" },
      ],
    });
    expect(ds.map(({ code, severity, text }) => ({ code, severity, text }))).toEqual([
      { code: "unknown-pipeline", severity: "warning", text: "upstream" },
      { code: "unknown-pipeline", severity: "error", text: "\"${ #pipelineId('chld') }\"" },
    ]);
    expect(ds[1].message).toContain("Did you mean 'child'?");
  });

  it("two pipelines with the same name", () => {
    const ds = found("name: deploy\nstages:\n  - { id: w, type: wait, duration: 1s }\n", {
      file: "a.yml",
      pipelines: [
        { name: "deploy", file: "a.yml" },
        { name: "deploy", file: ".capstan/pipelines/b.yml" },
      ],
    });
    expect(ds).toEqual([
      {
        code: "duplicate-pipeline-name",
        severity: "error",
        text: "deploy",
        message:
          "Another pipeline of the repository is named 'deploy' (.capstan/pipelines/b.yml); pipeline names must be unique: pipeline stages, triggers and capstan compile find pipelines by name.",
      },
    ]);
  });

  it("an account the application settings do not declare", () => {
    const text = `name: p
stages:
  - { id: r, type: resizeServerGroup, cluster: app-prod, account: prod, action: scaleExact, capacity: { desired: 1 } }
  - id: d
    type: deploy
    clusters:
      - { provider: kubernetes, account: staging, application: app, image: x, capacity: { min: 1, desired: 1, max: 1 } }
      - { provider: local, account: local, application: app, image: x, capacity: { min: 1, desired: 1, max: 1 } }
`;
    const ds = found(text, {
      file: "p.yml",
      pipelines: [],
      accounts: { names: ["staging"], file: ".capstan/application.yml" },
    });
    expect(ds.map(({ code, text }) => [code, text])).toEqual([["unknown-account", "prod"]]);
    expect(ds[0].message).toBe(
      "No account 'prod' in .capstan/application.yml (accounts: local, staging); the run would find no provider for it. Add it under accounts, or name one of these.",
    );
  });

  it("a URL the run will refuse, unless loopback is allowed", () => {
    const text = `name: p
notifications:
  - { type: webhook, address: "http://10.0.0.7/hook" }
stages:
  - { id: a, type: webhook, url: "http://localhost:8080/deploy" }
  - { id: b, type: webhook, url: "https://hooks.example.com/x" }
  - { id: c, type: webhook, url: "\${ parameters.url }" }
`;
    const refused = found(text, { file: "p.yml", pipelines: [] });
    expect(refused.map(({ code, severity, text }) => [code, severity, text])).toEqual([
      ["url-refused", "error", '"http://10.0.0.7/hook"'],
      ["url-refused", "error", '"http://localhost:8080/deploy"'],
    ]);
    expect(refused[1].message).toContain("CAPSTAN_ALLOW_LOOPBACK_URLS=1");
    const allowed = found(text, { file: "p.yml", pipelines: [], allowLoopbackUrls: true });
    expect(allowed.map((d) => d.text)).toEqual(['"http://10.0.0.7/hook"']);
  });
});
