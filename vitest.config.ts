import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * @actions/workflow-parser (inlined below) ships `//# sourceMappingURL=` comments whose maps name
 * .ts sources it does not ship: vite warned once per module ("Sourcemap ... points to missing
 * source files", ~70 lines per run). Loaded without the comment, nothing is lost.
 */
const noMissingSourceMaps = {
  name: "capstan-no-missing-source-maps",
  enforce: "pre" as const,
  load(id: string) {
    if (!/[\\/]node_modules[\\/]@actions[\\/]workflow-parser[\\/].*\.js$/.test(id)) return undefined;
    return readFileSync(id, "utf8").replace(/^\/\/# sourceMappingURL=.*$/gm, "");
  },
};

export default defineConfig({
  plugins: [noMissingSourceMaps],
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
