// Bundles the extension for VS Code with esbuild:
//   dist/extension.js  the extension (CommonJS, `vscode` external), with @capstan/core inside
//   dist/server.js     the language server (@capstan/language-server's bin), run by the client over IPC
//   dist/cli.mjs       the capstan CLI, for the commands when the workspace has none installed
//   dist/webview.js/.css  the graph view's script and style
// It bundles the other workspace packages' built output (their dist/, as Node would load them, so
// ESM/CommonJS interop is Node's): run `npm run build` (tsc -b) first; the package step does.
// (Bundling their .ts sources instead breaks `import x from "cjs-package"` defaults in esbuild.)
// Usage: node scripts/build.mjs [--production]
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const ext = path.resolve(here, "..");
const repo = path.resolve(ext, "..");
const production = process.argv.includes("--production");
const dist = path.join(ext, "dist");

function need(file, hint) {
  if (!fs.existsSync(file)) {
    console.error(`build: missing ${path.relative(repo, file)}: ${hint}`);
    process.exit(1);
  }
}

for (const pkg of ["core", "cli", "language-server"]) {
  need(
    path.join(repo, pkg, "dist", pkg === "cli" ? "main.js" : "index.js"),
    "run `npm run build` at the repository root first",
  );
}
fs.mkdirSync(dist, { recursive: true });
for (const stale of ["server.js", "server.mjs"]) fs.rmSync(path.join(dist, stale), { force: true });

// import.meta.url does not exist in CommonJS; give bundled ESM code a working one.
const cjsMeta = {
  define: { "import.meta.url": "__capstanImportMetaUrl" },
  banner: { js: 'const __capstanImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
};
// CommonJS dependencies inside an ESM bundle call require() for Node built-ins.
const esmRequire = {
  banner: {
    js: 'import { createRequire as __capstanCreateRequire } from "node:module"; const require = __capstanCreateRequire(import.meta.url);',
  },
};
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: production ? false : "linked",
  minify: production,
  logLevel: "warning",
  mainFields: ["module", "main"],
};

// The V8 flags the server's bin starts node with (its `#!/usr/bin/env -S node ...` line), so the
// client forks the server exactly as the command line does.
const serverBin = path.join(repo, "language-server", "bin", "capstan-language-server.js");
const shebang = fs.existsSync(serverBin) ? fs.readFileSync(serverBin, "utf8").split("\n")[0] : "";
const serverNodeFlags = shebang.split(/\s+/).filter((word) => word.startsWith("--"));

await esbuild.build({
  ...common,
  ...cjsMeta,
  define: { ...cjsMeta.define, __CAPSTAN_SERVER_NODE_FLAGS__: JSON.stringify(serverNodeFlags) },
  entryPoints: [path.join(ext, "src", "extension.ts")],
  outfile: path.join(dist, "extension.js"),
  format: "cjs",
  external: ["vscode"],
});

// The language server: whatever @capstan/language-server's bin starts (stdio or --node-ipc).
const serverEntry = path.join(repo, "language-server", "bin", "capstan-language-server.js");
if (fs.existsSync(serverEntry)) {
  try {
    await esbuild.build({
      ...common,
      ...cjsMeta,
      entryPoints: [serverEntry],
      outfile: path.join(dist, "server.js"),
      format: "cjs",
      logLevel: "silent",
    });
  } catch (error) {
    // A bin with top-level await cannot be CommonJS; ship it as an ES module then.
    if (!String(error).includes("Top-level await")) throw error;
    await esbuild.build({
      ...common,
      ...esmRequire,
      entryPoints: [serverEntry],
      outfile: path.join(dist, "server.mjs"),
      format: "esm",
    });
  }
} else {
  console.warn(
    "build: language-server/bin/capstan-language-server.js is missing; the extension ships without its server.",
  );
}

const cliEntry = path.join(repo, "cli", "bin", "capstan.js");
need(cliEntry, "the CLI's bin is missing");
await esbuild.build({
  ...common,
  ...esmRequire,
  entryPoints: [cliEntry],
  outfile: path.join(dist, "cli.mjs"),
  format: "esm",
});

await esbuild.build({
  ...common,
  platform: "browser",
  target: "chrome120",
  entryPoints: [path.join(ext, "src", "webview", "graph-view.ts")],
  outfile: path.join(dist, "webview.js"),
  format: "iife",
});
fs.copyFileSync(path.join(ext, "src", "webview", "graph-view.css"), path.join(dist, "webview.css"));

// yamlValidation and jsonValidation point at files inside the extension: ship the repository's schemas.
fs.mkdirSync(path.join(ext, "schemas"), { recursive: true });
for (const name of ["pipeline.schema.json", "canary-config.schema.json"]) {
  const schema = path.join(repo, "schemas", name);
  if (fs.existsSync(schema)) fs.copyFileSync(schema, path.join(ext, "schemas", name));
  else console.warn(`build: schemas/${name} is missing; editors will find no schema for it.`);
}

console.log(`build: extension bundled into ${path.relative(repo, dist)}${production ? " (production)" : ""}`);
