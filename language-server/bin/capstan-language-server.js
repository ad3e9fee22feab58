#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=50 --no-concurrent-marking
// The Capstan language server: `capstan-language-server --stdio` (or `--node-ipc`).
// The V8 flags above keep the heap near the live set (about 30 MiB for a 2,000-stage file): by
// default V8 lets the young generation grow to 48 MiB and the old one to 4x the live set, which
// made a long editing session sit at 200 MiB. `--no-concurrent-marking` marks the old generation
// in small steps on the server's own thread: on one busy core, the background marker took the CPU
// for a scheduler slice at a time and requests in that window waited 20-40 ms. Measured in
// bench/lsp (README: "Garbage collection"). Clients that start this file with `node` directly
// should pass the same flags (the VS Code extension does).
import { main } from "../dist/index.js";

main();
