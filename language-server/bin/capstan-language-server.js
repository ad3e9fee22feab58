#!/usr/bin/env node
// The Capstan language server: `capstan-language-server --stdio` (or `--node-ipc`).
import { main } from "../dist/index.js";

main();
