import lsp from "vscode-languageserver/node";
import { startServer } from "./server.js";

export { startServer } from "./server.js";
export { scanPipelines } from "./workspace.js";

/** Starts the server on the transport named on the command line (`--stdio`, `--node-ipc`, `--socket=N`). */
export function main(): void {
  startServer(lsp.createConnection(lsp.ProposedFeatures.all));
}
