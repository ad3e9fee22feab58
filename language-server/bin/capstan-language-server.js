#!/usr/bin/env -S node --max-semi-space-size=2 --heap-growing-percent=50
// The Capstan language server: `capstan-language-server --stdio` (or `--node-ipc`).
// The V8 flags above keep the heap near the live set (about 30 MiB for a 2,000-stage file): by
// default V8 lets the young generation grow to 48 MiB and the old one to 4x the live set, which
// made a long editing session sit at 200 MiB. Measured in bench/lsp (same CPU per edit). Clients
// that start this file with `node` directly should pass the same flags (the VS Code extension does).
import { main } from "../dist/index.js";

main();
