// Builds the action bundle: TypeScript (tsc -b) then one ESM file with @vercel/ncc.
// Usage: node action/scripts/bundle.mjs [OUT_DIR]   (default action/dist)
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const actionDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const root = resolve(actionDir, "..");
const out = resolve(process.argv[2] ?? join(actionDir, "dist"));
const bin = (name) => join(root, "node_modules", ".bin", name);

// --force: an incremental build can keep a dist/ file whose source was edited and restored (tsc -b
// trusts its build info), and the bundle must be exactly what the sources give on a clean clone.
execFileSync(bin("tsc"), ["-b", "--force", join(actionDir, "tsconfig.json")], {
  stdio: "inherit",
  cwd: root,
});
rmSync(out, { recursive: true, force: true });
execFileSync(
  bin("ncc"),
  [
    "build",
    join(actionDir, "lib", "index.js"),
    "-o",
    out,
    "--minify",
    "--no-source-map-register",
    "--license",
    "licenses.txt",
    "--quiet",
  ],
  { stdio: "inherit", cwd: actionDir },
);
