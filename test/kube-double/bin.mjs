#!/usr/bin/env node
// Starts the Kubernetes API server double as its own process (see main.ts for the flags). Node 20
// cannot run TypeScript, so the sources are bundled with rolldown (a devDependency) into
// node_modules/.cache/kube-double/ on first use and again whenever a source file is newer.
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const out = join(root, "node_modules", ".cache", "kube-double", "double.mjs");

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === "openapi" || e.name === "testdata") continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

let built = 0;
try {
  built = statSync(out).mtimeMs;
} catch {
  // Not built yet.
}
const sources = Math.max(
  newest(here),
  statSync(join(root, "core", "src", "providers", "local", "health-check.ts")).mtimeMs,
);
if (built < sources) {
  const { rolldown } = await import("rolldown");
  mkdirSync(dirname(out), { recursive: true });
  const bundle = await rolldown({
    input: join(here, "main.ts"),
    platform: "node",
    external: (id) => !id.startsWith(".") && !id.startsWith("/"),
    resolve: { extensionAlias: { ".js": [".ts", ".js"] } },
    logLevel: "silent",
  });
  const tmp = `${out}.${process.pid}.tmp.mjs`;
  await bundle.write({ file: tmp, format: "esm" });
  await bundle.close();
  const { renameSync } = await import("node:fs");
  renameSync(tmp, out);
}
process.env.KUBE_DOUBLE_OPENAPI_DIR ??= join(here, "openapi");
await import(pathToFileURL(out).href);
