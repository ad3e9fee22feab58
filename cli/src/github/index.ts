// GitHub approvals of Capstan's manual judgments, shared by the CLI (`capstan approve|reject`) and
// the VS Code extension: HTTP and logic only, no terminal and no editor (`@capstan/cli/github`).
export * from "./approvals.js";
export * from "./client.js";
export * from "./judgments.js";
export * from "./repository.js";
