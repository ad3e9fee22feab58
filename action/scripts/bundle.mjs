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

execFileSync(bin("tsc"), ["-b", join(actionDir, "tsconfig.json")], { stdio: "inherit", cwd: root });
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
