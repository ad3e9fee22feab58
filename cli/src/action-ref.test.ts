import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { actionRefFromPackage, capstanPackageRef, resolveActionRef } from "./action-ref.js";
import type { CliIo } from "./io.js";
import { main } from "./main.js";

describe("the action reference from a package's repository field", () => {
  it("reads every form npm accepts, with the major version as the tag", () => {
    const cases: [unknown, string][] = [
      ["acme/capstan", "acme/capstan@v2"],
      ["github:acme/capstan", "acme/capstan@v2"],
      ["https://github.com/acme/capstan.git", "acme/capstan@v2"],
      ["git+https://github.com/acme/capstan.git", "acme/capstan@v2"],
      ["git@github.com:acme/capstan.git", "acme/capstan@v2"],
      [{ type: "git", url: "https://github.com/acme/capstan.git", directory: "cli" }, "acme/capstan@v2"],
    ];
    for (const [repository, ref] of cases) {
      expect(actionRefFromPackage({ repository, version: "2.3.1" }), JSON.stringify(repository)).toBe(ref);
    }
  });

  it("nothing for a repository that is not on GitHub, or no repository", () => {
    expect(
      actionRefFromPackage({ repository: "https://gitlab.com/a/b.git", version: "1.0.0" }),
    ).toBeUndefined();
    expect(actionRefFromPackage({ version: "1.0.0" })).toBeUndefined();
  });

  it("Capstan's own package names capstan-dev/capstan at the major version of this release", () => {
    const root = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(capstanPackageRef()).toEqual({
      ref: `capstan-dev/capstan@v${root.version.split(".")[0]}`,
      source: "the repository field of Capstan's package.json",
    });
  });
});

function repo(settings?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "capstan-action-ref-"));
  mkdirSync(join(dir, ".capstan", "pipelines"), { recursive: true });
  writeFileSync(
    join(dir, ".capstan", "pipelines", "ship.yml"),
    "name: ship\nstages:\n  - { id: a, type: wait, duration: 1s }\n",
  );
  if (settings !== undefined) writeFileSync(join(dir, ".capstan", "settings.yml"), settings);
  return dir;
}

describe("which action reference is used: --action, else .capstan/settings.yml, else the package", () => {
  it("the flag wins over the setting, the setting over the package", () => {
    const dir = repo("action: acme/capstan@v1.2.0\n");
    expect(resolveActionRef(dir, "me/fork@main")).toEqual({ ref: "me/fork@main", source: "--action" });
    expect(resolveActionRef(dir, undefined)).toEqual({
      ref: "acme/capstan@v1.2.0",
      source: ".capstan/settings.yml",
    });
    expect(resolveActionRef(repo(), undefined)).toEqual(capstanPackageRef());
  });

  it("refuses a reference GitHub would not take as a step's `uses`, saying where it came from", () => {
    expect(() => resolveActionRef(repo("action: acme/capstan\n"), undefined)).toThrow(
      /\.capstan\/settings\.yml: action 'acme\/capstan' is not an action reference: use OWNER\/REPO@REF/,
    );
    expect(() => resolveActionRef(repo(), "not a ref")).toThrow(/--action/);
    // A local action (the repository holds Capstan's action.yml) is fine.
    expect(resolveActionRef(repo(), "./").ref).toBe("./");
    expect(resolveActionRef(repo(), "acme/monorepo/tools/capstan@v3").ref).toBe(
      "acme/monorepo/tools/capstan@v3",
    );
  });

  it("a settings file with an unknown key or bad YAML is an error, not silently ignored", () => {
    expect(() => resolveActionRef(repo("acton: acme/capstan@v1\n"), undefined)).toThrow(
      /unknown setting 'acton'.*Did you mean 'action'\?/,
    );
    expect(() => resolveActionRef(repo("action: [\n"), undefined)).toThrow(/settings\.yml/);
  });

  it("capstan compile writes the reference into every job", async () => {
    const dir = repo("action: acme/capstan@v1.2.0\n");
    const err: string[] = [];
    const io: CliIo = {
      stdout: () => undefined,
      stderr: (t) => err.push(t),
      cwd: dir,
      env: {},
      isTTY: false,
    };
    expect(await main(["compile"], io), err.join("")).toBe(0);
    const workflow = readFileSync(join(dir, ".github", "workflows", "capstan-ship.yml"), "utf8");
    expect(workflow).toContain("uses: acme/capstan@v1.2.0");
    expect(workflow).not.toContain("capstan-dev/capstan@");
    expect(await main(["compile", "--action", "me/fork@main"], io)).toBe(0);
    expect(readFileSync(join(dir, ".github", "workflows", "capstan-ship.yml"), "utf8")).toContain(
      "uses: me/fork@main",
    );
    // --check compares against the same reference.
    expect(await main(["compile", "--check", "--action", "me/fork@main"], io)).toBe(0);
    expect(await main(["compile", "--check"], io)).toBe(1);
  });
});
