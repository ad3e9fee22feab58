#!/usr/bin/env node
// The CLI's bundle (cli/bundle, made by `npm run build`: each command loads only what it needs)
// when it was made after the last TypeScript build of core and cli, else that build (dist/), so a
// bundle older than the code never runs.
import { statSync } from "node:fs";

const modified = (url) => {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return -1;
  }
};
const bundle = new URL("../bundle/capstan.js", import.meta.url);
const made = modified(bundle);
const fresh =
  made > 0 &&
  made >= modified(new URL("../tsconfig.tsbuildinfo", import.meta.url)) &&
  made >= modified(new URL("../../core/tsconfig.tsbuildinfo", import.meta.url));
const { main } = fresh ? await import(bundle.href) : await import("../dist/main.js");

process.exitCode = await main(process.argv.slice(2));
