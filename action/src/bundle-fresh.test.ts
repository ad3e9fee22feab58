import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const actionDir = fileURLToPath(new URL("..", import.meta.url));
const committed = join(actionDir, "dist");

describe("action/dist (the committed bundle GitHub runs)", () => {
  it("is what a fresh build of the sources produces", { timeout: 600_000 }, () => {
    const fresh = mkdtempSync(join(tmpdir(), "capstan-bundle-"));
    execFileSync(process.execPath, [join(actionDir, "scripts", "bundle.mjs"), fresh], { stdio: "pipe" });
    const files = readdirSync(fresh).sort();
    expect(readdirSync(committed).sort()).toEqual(files);
    const stale = files.filter((f) => !readFileSync(join(fresh, f)).equals(readFileSync(join(committed, f))));
    // Stale: run `npm run build:action` and commit action/dist.
    expect(stale).toEqual([]);
  });

  it("starts from an entry file under 3 MB", () => {
    expect(statSync(join(committed, "index.js")).size).toBeLessThan(3 * 1024 * 1024);
  });
});
