import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";

const bin = new URL("../bin/capstan-language-server.js", import.meta.url);

describe("the server's bin", () => {
  const shebang = readFileSync(bin, "utf8").split("\n")[0];
  const flags = shebang.split(/\s+/).filter((word) => word.startsWith("--"));

  test("starts node with the heap flags the benchmark and the extension use", () => {
    expect(shebang.startsWith("#!/usr/bin/env -S node ")).toBe(true);
    expect(flags).toEqual([
      "--max-semi-space-size=4",
      "--heap-growing-percent=50",
      "--no-concurrent-marking",
    ]);
  });

  test("this node accepts those flags (a removed flag would stop the server from starting)", () => {
    expect(
      execFileSync(process.execPath, [...flags, "-e", "process.stdout.write('ok')"], { encoding: "utf8" }),
    ).toBe("ok");
  });
});
