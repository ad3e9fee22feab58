// biome-ignore-all lint/suspicious/noControlCharactersInRegex: the tests look for control characters.
// `capstan validate` and `capstan run` on files that are not what they seem (issue 18 items 11,
// 13, 14): FIFOs and devices are refused without being opened, big files are refused with the
// limit, every file error is named for what it is, and what the terminal shows is safe.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./cli-harness.js";

const pipeline = (name: string, extra = "") =>
  `name: ${name}\nstages:\n  - { id: w, type: wait, duration: 0s }\n${extra}`;

function folder(files: Record<string, string | Buffer> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-hostile-"));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const quick = async (argv: string[], cwd: string) => {
  const started = Date.now();
  const r = await runCli(argv, cwd);
  return { ...r, ms: Date.now() - started, all: r.stdout + r.stderr };
};

describe("files that are not regular files", () => {
  it("a FIFO is refused without blocking", async () => {
    const dir = folder();
    execFileSync("mkfifo", [path.join(dir, "pipe.yml")]);
    const r = await quick(["validate", "pipe.yml"], dir);
    expect(r.code).toBe(1);
    expect(r.all).toContain("pipe.yml is not a regular file (a FIFO)");
    expect(r.ms).toBeLessThan(5000);
  });

  it("/dev/zero is refused, not read", async () => {
    const r = await quick(["validate", "/dev/zero"], folder());
    expect(r.code).toBe(1);
    expect(r.all).toContain("/dev/zero is not a regular file (a character device)");
    expect(r.ms).toBeLessThan(5000);
  });

  it("capstan run on a FIFO says so", async () => {
    const dir = folder();
    execFileSync("mkfifo", [path.join(dir, "p.yml")]);
    const r = await quick(["run", "p.yml", "--state-dir", path.join(dir, "s")], dir);
    expect(r.code).not.toBe(0);
    expect(r.all).toContain("p.yml is not a regular file (a FIFO)");
  });
});

describe("size limits", () => {
  it("a pipeline file over 10 MiB is refused with the limit, naming the file", async () => {
    const dir = folder({ "big.yml": `${pipeline("big")}# ${"x".repeat(11 << 20)}\n` });
    const r = await quick(["validate", "big.yml"], dir);
    expect(r.code).toBe(1);
    expect(r.all).toMatch(/big\.yml is 11\.0 MiB; pipeline files may be at most 10 MiB/);
    expect(r.ms).toBeLessThan(10_000);
  });

  it("a 50 MB double-quoted scalar is refused before it is parsed", async () => {
    const dir = folder({ "big.yml": `name: "${"q".repeat(50_000_000)}"\nstages: []\n` });
    const r = await quick(["validate", "big.yml"], dir);
    expect(r.code).toBe(1);
    expect(r.all).toContain("pipeline files may be at most 10 MiB");
    expect(r.ms).toBeLessThan(10_000);
  });
});

describe("file errors are named for what they are", () => {
  it("capstan run on a directory says it is one", async () => {
    const dir = folder({ "adir/p.yml": pipeline("p") });
    const r = await quick(["run", "adir", "--state-dir", path.join(dir, "s")], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "capstan run: adir is a directory; give the pipeline file to run (adir/p.yml)",
    );
    expect(r.stderr).not.toContain(": : ");
  });

  it("capstan validate on a directory looks inside it, or says it has no pipeline files", async () => {
    const dir = folder({ "adir/p.yml": pipeline("p"), "empty/readme.txt": "x" });
    const inside = await quick(["validate", "adir"], dir);
    expect(inside.code).toBe(0);
    expect(inside.all).toContain("1 file checked, no errors");
    const empty = await quick(["validate", "empty"], dir);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("no pipeline files in empty (.yml, .yaml or .json)");
    expect(empty.stderr).not.toContain(".capstan/pipelines");
  });

  it("a symlink loop and a name that is too long are not 'no such file'", async () => {
    const dir = folder();
    fs.symlinkSync("loop.yml", path.join(dir, "loop.yml"));
    const loop = await quick(["validate", "loop.yml"], dir);
    expect(loop.code).toBe(1);
    expect(loop.stderr).toContain("loop.yml: too many levels of symbolic links (a symlink loop?)");
    const long = `${"n".repeat(300)}.yml`;
    const tooLong = await quick(["validate", long], dir);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toContain("the file name is too long");
    const run = await quick(["run", "loop.yml", "--state-dir", path.join(dir, "s")], dir);
    expect(run.stderr).toContain("too many levels of symbolic links");
    for (const r of [loop, tooLong, run]) expect(r.stderr).not.toContain("no such file");
  });
});

describe("content", () => {
  it("invalid UTF-8 is reported with its position", async () => {
    const bytes = Buffer.concat([
      Buffer.from("name: p\nstages:\n  - { id: w, type: wa"),
      Buffer.from([0xff]),
      Buffer.from("it }\n"),
    ]);
    const dir = folder({ "p.yml": bytes });
    const r = await quick(["validate", "p.yml"], dir);
    expect(r.code).toBe(1);
    expect(r.all).toContain("p.yml:3:22");
    expect(r.all).toContain("not valid UTF-8 (byte 0xff at offset");
  });

  it("!!binary is called binary data, not a map of fields", async () => {
    const dir = folder({
      "p.yml": "name: !!binary aGVsbG8=\nstages:\n  - { id: w, type: wait, duration: 0s }\n",
    });
    const r = await quick(["validate", "p.yml"], dir);
    expect(r.code).toBe(1);
    expect(r.all).toContain("binary data (!!binary)");
    expect(r.all).not.toContain("a map of fields");
  });

  it("a very long line is cut around the error in the excerpt", async () => {
    const long = `name: p\nstages:\n  - { id: w, type: wait, duration: 0s, note: "${"a".repeat(700_000)}", nope: 1 }\n`;
    const r = await quick(["validate", "p.yml"], folder({ "p.yml": long }));
    expect(r.code).toBe(1);
    const excerpt = r.stdout.split("\n").filter((l) => /^\s+\d+ \| /.test(l));
    expect(excerpt.length).toBeGreaterThan(0);
    for (const line of excerpt) expect(line.length).toBeLessThan(260);
    expect(r.stdout).toContain("nope");
    expect(r.stdout.length).toBeLessThan(5000);
  });

  it("terminal escapes and control characters in pipeline text are not printed", async () => {
    const evil = "\x1b]0;pwned\x07\x1b[2J\x1bc\x07\r\b\x9b";
    const dir = folder({
      "p.yml": `name: "x${evil.replace(/\x1b/g, "\\e").replace(/\x07/g, "\\a").replace(/\r/g, "\\r").replace(/\b/g, "\\b").replace(/\x9b/g, "\\x9b")}y"\nstages:\n  - { id: w, name: "s\\e[31m\\e]8;;http://x\\e\\\\", type: wait, duration: 0s }\n`,
    });
    const r = await quick(["run", "p.yml", "--state-dir", path.join(dir, "s")], dir);
    expect(r.code, r.all).toBe(0);
    expect(r.all).toContain("execution");
    // Nothing the pipeline says reaches the terminal as a control character (colours the CLI adds aside).
    expect(r.all.replace(/\x1b\[[0-9;]*m/g, "")).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    const status = await quick(["status", "--state-dir", path.join(dir, "s")], dir);
    expect(status.all.replace(/\x1b\[[0-9;]*m/g, "")).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });
});

describe("capstan run's scan for pipeline triggers", () => {
  it("skips big data files beside the pipeline without parsing them, and still finds triggered pipelines", async () => {
    const rows = Array.from({ length: 120_000 }, (_, i) => `k${i}: { a: ${i}, b: [1, 2, 3] }`).join("\n");
    const dir = folder({
      "p.yml": pipeline("parent"),
      "child.yml": pipeline(
        "child",
        "triggers:\n  - { type: pipeline, pipeline: parent, status: [successful] }\n",
      ),
      "data.yml": `# data, not a pipeline\n${rows}\n`,
    });
    const r = await quick(["run", "p.yml", "--state-dir", path.join(dir, "s")], dir);
    expect(r.code, r.all).toBe(0);
    expect(r.all).toContain("triggers pipeline 'child'");
    expect(r.ms).toBeLessThan(15_000);
  });
});
