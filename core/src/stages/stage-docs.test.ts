import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { builtinStages } from "./index.js";
import { renderStageReference } from "./stage-docs.js";

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8");
/** Formatting-insensitive form of the generated markdown (biome pads tables). */
const normalize = (text: string) =>
  text
    .split("\n")
    .map((line) => line.replace(/\s+/g, "").replace(/-{3,}/g, "---"))
    .join("\n");

describe("docs/stages.md", () => {
  it("is generated from the stage definitions (run `npm run schema:build`)", () => {
    expect(normalize(read("docs/stages.md"))).toEqual(normalize(renderStageReference(builtinStages())));
  });

  it("has a section for every stage type", () => {
    const text = renderStageReference(builtinStages());
    for (const type of builtinStages().types()) expect(text).toContain(`\`${type}\`\n\n`);
  });
});
