// R as the oracle for the rank-sum test: every sample pair goes to one Rscript process, which runs
// wilcox.test(x, y, conf.int = TRUE, conf.level = L, exact = FALSE, correct = TRUE) on each.
// Samples travel as raw little-endian doubles (readBin), results come back as hexadecimal floats
// (sprintf("%a")), so no decimal rounding stands between the two implementations.
// Rscript comes from Debian's r-base-core: scripts/install-r.sh.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface OracleCase {
  x: readonly number[];
  y: readonly number[];
  confLevel: number;
}

export type OracleOutcome =
  | { ok: true; statistic: number; pValue: number; lower: number; upper: number; estimate: number }
  | { ok: false; error: string };

const SCRIPT = String.raw`
args <- commandArgs(trailingOnly = TRUE)
input <- file(args[1], "rb")
output <- file(args[2], "w")
count <- readBin(input, "integer", 1, size = 4, endian = "little")
hex <- function(v) sprintf("%a", as.numeric(v))
for (k in seq_len(count)) {
  sizes <- readBin(input, "integer", 2, size = 4, endian = "little")
  level <- readBin(input, "double", 1, size = 8, endian = "little")
  x <- readBin(input, "double", sizes[1], size = 8, endian = "little")
  y <- readBin(input, "double", sizes[2], size = 8, endian = "little")
  r <- tryCatch(
    suppressWarnings(wilcox.test(x, y, conf.int = TRUE, conf.level = level, exact = FALSE, correct = TRUE)),
    error = function(e) gsub("[\t\r\n]+", " ", conditionMessage(e)))
  if (is.character(r)) {
    writeLines(paste("error", r, sep = "\t"), output)
  } else {
    writeLines(paste("ok", hex(r$statistic), hex(r$p.value), hex(r$conf.int[1]), hex(r$conf.int[2]),
      hex(r$estimate), sep = "\t"), output)
  }
}
close(output)
close(input)
`;

/** The Rscript version line, or undefined when Rscript is not on PATH. */
export function rscriptVersion(): string | undefined {
  const probe = spawnSync("Rscript", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return undefined;
  return `${probe.stdout}${probe.stderr}`.trim().split("\n")[0];
}

/** Runs every case through one Rscript process. */
export function wilcoxInR(cases: readonly OracleCase[]): OracleOutcome[] {
  const dir = mkdtempSync(join(tmpdir(), "capstan-r-oracle-"));
  try {
    const script = join(dir, "wilcox.R");
    const input = join(dir, "cases.bin");
    const output = join(dir, "results.tsv");
    writeFileSync(script, SCRIPT);
    writeFileSync(input, encodeCases(cases));
    const run = spawnSync("Rscript", ["--vanilla", script, input, output], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.error) throw run.error;
    if (run.status !== 0) throw new Error(`Rscript exited with ${run.status}: ${run.stderr}`);
    const lines = readFileSync(output, "utf8").split("\n").filter(Boolean);
    if (lines.length !== cases.length) throw new Error(`R answered ${lines.length} of ${cases.length} cases`);
    return lines.map((line) => {
      const [status, ...fields] = line.split("\t");
      if (status === "error") return { ok: false, error: fields.join(" ") };
      const [statistic, pValue, lower, upper, estimate] = fields.map(parseHexFloat);
      return { ok: true, statistic, pValue, lower, upper, estimate };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** count, then per case: nx, ny (int32), confLevel, x..., y... (float64), little-endian. */
function encodeCases(cases: readonly OracleCase[]): Buffer {
  let size = 4;
  for (const c of cases) size += 8 + 8 + 8 * (c.x.length + c.y.length);
  const buffer = Buffer.alloc(size);
  let at = buffer.writeInt32LE(cases.length, 0);
  for (const c of cases) {
    at = buffer.writeInt32LE(c.x.length, at);
    at = buffer.writeInt32LE(c.y.length, at);
    at = buffer.writeDoubleLE(c.confLevel, at);
    for (const v of c.x) at = buffer.writeDoubleLE(v, at);
    for (const v of c.y) at = buffer.writeDoubleLE(v, at);
  }
  return buffer;
}

/** C's %a format (`-0x1.8p+1`, `0x0p+0`, `NaN`, `Inf`) to the exact double. */
export function parseHexFloat(text: string): number {
  if (text === "NaN" || text === "NA") return Number.NaN;
  if (text === "Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  const m = /^(-?)0x([0-9a-f])(?:\.([0-9a-f]*))?p([+-]\d+)$/i.exec(text);
  if (!m) throw new Error(`not a hexadecimal float: ${text}`);
  const [, sign, lead, fraction = "", exponent] = m;
  // At most 13 hex digits: 52 bits, exact in a double, and so is each scaling by a power of 2.
  let value = Number.parseInt(lead, 16);
  if (fraction) value += Number.parseInt(fraction, 16) / 16 ** fraction.length;
  let e = Number.parseInt(exponent, 10);
  // Scale in steps that stay normal until the last one (subnormal results round once).
  while (e > 0) {
    const s = Math.min(e, 1000);
    value *= 2 ** s;
    e -= s;
  }
  while (e < 0) {
    const s = Math.max(e, -1000);
    value *= 2 ** s;
    e -= s;
  }
  return sign ? -value : value;
}
