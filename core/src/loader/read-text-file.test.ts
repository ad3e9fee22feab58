// Reading pipeline files (issue 18 items 13, 14): regular files only, at most 10 MiB, UTF-8, and
// every failure said as what it is. Documents over the limit are not parsed.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { analyzePipeline, updateAnalysis } from "../language/analysis.js";
import { validatePipelineText } from "../validate/index.js";
import { firstInvalidUtf8, readTextFile } from "./read-text-file.js";
import { loadYaml } from "./yaml-loader.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-read-"));
const at = (name: string) => path.join(dir, name);

describe("readTextFile", () => {
  it("reads a regular UTF-8 file", () => {
    fs.writeFileSync(at("ok.yml"), "name: ü\n");
    expect(readTextFile(at("ok.yml"))).toEqual({ ok: true, text: "name: ü\n" });
  });

  it("refuses FIFOs and devices without opening them", () => {
    execFileSync("mkfifo", [at("fifo.yml")]);
    expect(readTextFile(at("fifo.yml"), { display: "fifo.yml" })).toEqual({
      ok: false,
      kind: "other",
      reason: "fifo.yml is not a regular file (a FIFO)",
    });
    expect(readTextFile("/dev/zero")).toMatchObject({
      ok: false,
      reason: "/dev/zero is not a regular file (a character device)",
    });
  });

  it("refuses files over the limit, naming the size and the limit", () => {
    fs.writeFileSync(at("big.yml"), Buffer.alloc(2048, 0x61));
    expect(readTextFile(at("big.yml"), { display: "big.yml", maxBytes: 1024 })).toEqual({
      ok: false,
      kind: "other",
      reason: "big.yml is 2048 bytes; pipeline files may be at most 1024 bytes",
    });
    expect(readTextFile(at("big.yml"), { prefixBytes: 10 })).toEqual({ ok: true, text: "aaaaaaaaaa" });
  });

  it("names directories, missing files, symlink loops and long names", () => {
    fs.mkdirSync(at("adir"));
    fs.symlinkSync("loop", at("loop"));
    expect(readTextFile(at("adir"), { display: "adir" })).toMatchObject({
      kind: "directory",
      reason: "adir is a directory",
    });
    expect(readTextFile(at("none"), { display: "none" })).toMatchObject({
      kind: "missing",
      reason: "none: no such file or directory",
    });
    expect(readTextFile(at("loop"), { display: "loop" })).toMatchObject({
      kind: "other",
      reason: "loop: too many levels of symbolic links (a symlink loop?)",
    });
    expect(readTextFile(at("n".repeat(300)), { display: "long" })).toMatchObject({
      reason: "long: the file name is too long",
    });
  });

  it("reports invalid UTF-8 with its line and column", () => {
    fs.writeFileSync(
      at("bad.yml"),
      Buffer.concat([Buffer.from("a: 1\nb: x"), Buffer.from([0xc3, 0x28]), Buffer.from("\n")]),
    );
    expect(readTextFile(at("bad.yml"), { display: "bad.yml" })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^bad\.yml:2:5: the file is not valid UTF-8 \(byte 0xc3 at offset 9\)/),
    });
  });

  it("finds the first invalid UTF-8 byte", () => {
    const bytes = (...b: number[]) => Uint8Array.from(b);
    expect(firstInvalidUtf8(Buffer.from("héllo ✓ 𝄞"))).toBe(Buffer.from("héllo ✓ 𝄞").length);
    expect(firstInvalidUtf8(bytes(0x61, 0xff))).toBe(1);
    expect(firstInvalidUtf8(bytes(0xc0, 0x80))).toBe(0); // overlong
    expect(firstInvalidUtf8(bytes(0xed, 0xa0, 0x80))).toBe(0); // a surrogate
    expect(firstInvalidUtf8(bytes(0x61, 0xe2, 0x9c))).toBe(1); // cut short
    expect(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80))).toBe(0); // past U+10FFFF
  });
});

describe("documents over 10 MiB", () => {
  const big = `name: "${"q".repeat(11 << 20)}"\nstages: []\n`;

  it("are not parsed: one diagnostic naming the file and the limit", () => {
    const started = performance.now();
    const doc = loadYaml(big, "big.yml");
    expect(performance.now() - started).toBeLessThan(2000);
    expect(doc.diagnostics).toEqual([
      {
        code: "file-too-large",
        severity: "error",
        message:
          "big.yml is 11.0 MiB; pipeline files may be at most 10 MiB. Move data out of it (into files the pipeline reads) or split it.",
        span: { start: 0, end: 0 },
      },
    ]);
    expect(validatePipelineText(big, "big.yml").diagnostics.map((d) => d.code)).toEqual(["file-too-large"]);
  });

  it("the language server's analysis says so too, also after an edit makes a document too large", () => {
    const started = performance.now();
    expect(analyzePipeline(big, 1, {}, "big.yml").diagnostics.map((d) => d.code)).toEqual(["file-too-large"]);
    const small = "name: p\nstages:\n  - id: a\n    type: wait\n    duration: 1s\n";
    const first = analyzePipeline(small, 1, {}, "p.yml");
    const grown = small.replace("duration: 1s", `duration: 1s\n    note: "${"n".repeat(11 << 20)}"`);
    expect(updateAnalysis(first, grown, 2).diagnostics.map((d) => d.code)).toEqual(["file-too-large"]);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
