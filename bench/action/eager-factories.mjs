#!/usr/bin/env node
// Experiment for the action's cold start (see README.md, "Where the time goes"): rewrites a built
// bundle's module factories from arrow functions to parenthesized function expressions, which V8
// compiles eagerly while it parses the file. As ncc emits them, each factory is pre-parsed with the
// file and parsed again when first called; for the one factory holding Capstan's code (about 0.9 MB)
// that second pass is the largest single cost of the start. Safe for these factories: ncc calls
// them without a receiver and they never read `this` or `arguments` at their top level (ESM code).
// Usage: node bench/action/eager-factories.mjs DIR [--all]   (rewrites DIR/index.js in place;
// default: only the largest factory; --all: every factory of the entry file)
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAst } from "rolldown/parseAst";

const dir = process.argv[2];
if (!dir) throw new Error("usage: eager-factories.mjs DIR [--all]");
const all = process.argv.includes("--all");
const file = join(dir, "index.js");
const code = readFileSync(file, "utf8");

/** The `id: (a, b, c) => { ... }` entries of ncc's module table. */
const factories = [];
(function visit(node) {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const child of node) visit(child);
    return;
  }
  const value = node.value;
  if (
    node.type === "Property" &&
    node.key?.type === "Literal" &&
    typeof node.key.value === "number" &&
    value?.type === "ArrowFunctionExpression" &&
    value.body.type === "BlockStatement"
  ) {
    factories.push(value);
    return;
  }
  for (const key of Object.keys(node)) if (key !== "parent") visit(node[key]);
})(parseAst(code, { sourceType: "module" }));
if (factories.length === 0) throw new Error(`${file}: no module factories found`);

const chosen = all ? factories : [factories.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a))];
let out = code;
// From the end, so earlier offsets stay valid.
for (const f of [...chosen].sort((a, b) => b.start - a.start)) {
  const params = f.params.map((p) => code.slice(p.start, p.end)).join(",");
  out = `${out.slice(0, f.start)}(function(${params})${code.slice(f.body.start, f.body.end)})${out.slice(f.end)}`;
}
writeFileSync(file, out);
console.log(`${file}: ${chosen.length} of ${factories.length} factories made eager`);
