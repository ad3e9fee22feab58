import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { crc32 } from "./crc32.js";
import { readZip, ZipFormatError } from "./zip-reader.js";
import { writeZip } from "./zip-writer.js";

const python = (script: string, ...args: string[]) =>
  execFileSync("python3", ["-c", script, ...args], { encoding: "utf8" });

describe("crc32", () => {
  it("gives the standard check value", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });
});

describe("zip writer and reader", () => {
  const files = [
    { name: "journal.json", data: Buffer.from(JSON.stringify({ events: Array(200).fill("stage.started") })) },
    { name: "dir/ünïcode.txt", data: Buffer.from("héllo") },
    { name: "empty", data: Buffer.alloc(0) },
    { name: "noise.bin", data: randomBytes(4096) }, // does not deflate smaller: stored
  ];

  it("round-trips files, deflating what shrinks and storing the rest", () => {
    const zip = writeZip(files, new Date("2024-01-02T12:34:56Z"));
    const back = readZip(zip);
    expect(back.map((f) => f.name)).toEqual(files.map((f) => f.name));
    for (const [i, f] of back.entries()) expect(f.data.equals(files[i].data)).toBe(true);
    expect(zip.readUInt16LE(8)).toBe(8); // journal.json: deflate
    expect(zip.length).toBeLessThan(files.reduce((n, f) => n + f.data.length, 0));
  });

  it("writes archives Python's zipfile opens, with names, dates and contents intact", () => {
    const dir = mkdtempSync(join(tmpdir(), "capstan-zip-"));
    writeFileSync(join(dir, "a.zip"), writeZip(files, new Date("2024-01-02T12:34:56Z")));
    const out = python(
      `import sys, zipfile, json
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps([[i.filename, i.date_time, i.file_size, len(z.read(i))] for i in z.infolist()]))`,
      join(dir, "a.zip"),
    );
    expect(JSON.parse(out)).toEqual(
      files.map((f) => [f.name, [2024, 1, 2, 12, 34, 56], f.data.length, f.data.length]),
    );
  });

  it("reads archives other tools write (deflated, stored, directory entries, data descriptors)", () => {
    const dir = mkdtempSync(join(tmpdir(), "capstan-zip-"));
    python(
      `import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("d/", "")
    z.writestr("d/deflated.txt", "x" * 5000, compress_type=zipfile.ZIP_DEFLATED)
    z.writestr("stored.txt", "plain", compress_type=zipfile.ZIP_STORED)
    with z.open("streamed.txt", "w", force_zip64=False) as f:
        f.write(b"streamed " * 100)`,
      join(dir, "b.zip"),
    );
    const back = readZip(readFileSync(join(dir, "b.zip")));
    expect(back.map((f) => [f.name, f.data.toString()])).toEqual([
      ["d/deflated.txt", "x".repeat(5000)],
      ["stored.txt", "plain"],
      ["streamed.txt", "streamed ".repeat(100)],
    ]);
  });

  it("rejects what is not a zip, damaged content and sizes that lie", () => {
    expect(() => readZip(Buffer.from("{}"))).toThrow(ZipFormatError);
    const zip = writeZip([{ name: "j.json", data: Buffer.from("a".repeat(1000)) }]);
    const damaged = Buffer.from(zip);
    damaged[30 + "j.json".length + 2] ^= 0xff; // inside the deflated data
    expect(() => readZip(damaged)).toThrow(ZipFormatError);
    const lying = Buffer.from(zip);
    const central = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(10, central + 24); // claims 10 bytes: inflating stops there
    expect(() => readZip(lying)).toThrow("larger than its declared size");
  });
});
