import { describe, expect, test } from "vitest";
import { analyzePipeline } from "./analysis.js";
import { documentLinks } from "./document-links.js";

const FIXTURE = `name: deploy
triggers:
  - type: pipeline
    pipeline: build
  - type: pipeline
    pipeline: nowhere
stages:
  - id: up
    type: pipeline
    pipeline: "build"
  - id: serve
    type: run
    command: node ./examples/app/server.js --port 80
    workingDirectory: examples/app
  - id: script
    type: run
    command: 'scripts/missing.sh && echo ok'
  - id: outside
    type: run
    command: cat ../secrets.txt /etc/passwd
    workingDirectory: /tmp
`;

const EXISTING = new Set(["examples/app/server.js", "examples/app", "scripts"]);
const context = {
  uri: "file:///repo/.capstan/pipelines/deploy.yml",
  pipelines: [
    { name: "build", uri: "file:///repo/.capstan/pipelines/build.yml" },
    { name: "deploy", uri: "file:///repo/.capstan/pipelines/deploy.yml" },
  ],
  resolveWorkspacePath: (path: string) => (EXISTING.has(path) ? `file:///repo/${path}` : undefined),
};
const range = (line: number, start: number, end: number) => ({
  start: { line, character: start },
  end: { line, character: end },
});

describe("documentLinks", () => {
  test("pipeline triggers and stages, run scripts and working directories", () => {
    expect(documentLinks(analyzePipeline(FIXTURE), context)).toEqual([
      {
        range: range(3, 14, 19),
        target: "file:///repo/.capstan/pipelines/build.yml",
        tooltip: "Open pipeline 'build'",
      },
      {
        range: range(9, 15, 20),
        target: "file:///repo/.capstan/pipelines/build.yml",
        tooltip: "Open pipeline 'build'",
      },
      {
        range: range(12, 18, 42),
        target: "file:///repo/examples/app/server.js",
        tooltip: "Open ./examples/app/server.js",
      },
      { range: range(13, 22, 34), target: "file:///repo/examples/app", tooltip: "Open examples/app" },
    ]);
  });

  test("no workspace knowledge, no links", () => {
    expect(documentLinks(analyzePipeline(FIXTURE), { uri: context.uri })).toEqual([]);
  });
});
