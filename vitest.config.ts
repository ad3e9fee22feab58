import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources, not the built dist/.
    alias: {
      "@capstan/core": src("./core/src/index.ts"),
      "@capstan/cli/github": src("./cli/src/github/index.ts"),
    },
  },
  test: {
    // GitHub's workflow parser imports its JSON schema without an import attribute: let vite load it.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
    include: ["*/src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**", "test/vscode/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
