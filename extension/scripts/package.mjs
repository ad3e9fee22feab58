// Builds the extension for production and packs it into capstan-vscode-<version>.vsix with vsce.
// Offline: --no-dependencies (everything the extension needs is bundled into dist/ by esbuild).
// Run `npm run build` at the repository root first (`npm run package:extension` does both).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ext = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const run = (args) => {
  const r = spawnSync(process.execPath, args, { cwd: ext, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run([path.join(ext, "scripts", "build.mjs"), "--production"]);
for (const stale of fs.readdirSync(path.join(ext, "dist")).filter((f) => f.endsWith(".map"))) {
  fs.rmSync(path.join(ext, "dist", stale));
}
const pkg = JSON.parse(fs.readFileSync(path.join(ext, "package.json"), "utf8"));
const out = path.join(ext, `${pkg.name}-${pkg.version}.vsix`);
const vsce = createRequire(path.join(ext, "package.json")).resolve("@vscode/vsce/vsce");
run([vsce, "package", "--no-dependencies", "--skip-license", "--out", out]);
console.log(`package: ${path.relative(process.cwd(), out)}`);
