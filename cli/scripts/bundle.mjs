// Bundles the CLI for a quick start, from its built output (run after `tsc -b`; `npm run build`
// does both): cli/bundle/capstan.js holds the command table, each command is a chunk loaded only
// when it runs (cli/src/main.ts imports them lazily), and core is tree-shaken into what each
// command uses, so `capstan --help` parses a few kilobytes and `capstan validate` no engine,
// importer or provider. cli/bundle/supervisor-main.js is the local provider's supervisor, which
// the launcher starts from beside itself. bin/capstan.js runs the bundle when it is newer than the
// last `tsc -b` of core and cli, else dist/ (so a bundle left behind by an older build never runs).
// The folder sits beside dist/ so that `../package.json` is the CLI's package, as from dist/.
// Usage: node cli/scripts/bundle.mjs [OUT_DIR]   (default cli/bundle)
import { existsSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const cliDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const root = resolve(cliDir, "..");
const out = resolve(process.argv[2] ?? join(cliDir, "bundle"));
const dist = join(cliDir, "dist");

for (const file of [
  join(dist, "main.js"),
  join(dist, "local", "supervisor-main.js"),
  join(root, "core", "dist", "index.js"),
]) {
  if (!existsSync(file)) {
    console.error(`cli bundle: ${file} is missing; run \`npx tsc -b cli\` (or \`npm run build\`) first`);
    process.exit(1);
  }
}

rmSync(out, { recursive: true, force: true });
await build({
  input: { capstan: join(dist, "main.js"), "supervisor-main": join(dist, "local", "supervisor-main.js") },
  platform: "node",
  // Core's modules only define things (no module is imported for its side effects): one whose
  // exports a command does not use is left out of that command's chunk.
  treeshake: { moduleSideEffects: (id) => !id.startsWith(join(root, "core", "dist")) },
  output: {
    dir: out,
    format: "esm",
    minify: true,
    entryFileNames: "[name].js",
    chunkFileNames: "[name]-[hash].js",
  },
  logLevel: "warn",
});
