// The rank-sum test against R: every generated pair (testdata/sample-pairs.ts) goes through one
// Rscript process running wilcox.test(x, y, conf.int = TRUE, conf.level = L, exact = FALSE,
// correct = TRUE); statistic, p-value, interval and estimate must agree to 1e-9 (absolute or
// relative), and R must stop on exactly the inputs where Capstan refuses. No expected numbers are
// written down here: R computes them on every run.
// Rscript: scripts/install-r.sh (CI runs it). Missing Rscript fails the test under CI=true and
// skips it, with a message, elsewhere.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { normalTails, qnorm } from "./normal.js";
import { RankSumError, rankSumTest } from "./rank-sum.js";
import { type OracleOutcome, parseHexFloat, rscriptVersion, wilcoxInR } from "./testdata/r-oracle.js";
import { samplePairs } from "./testdata/sample-pairs.js";

const version = rscriptVersion();
const inCi = process.env.CI === "true";
if (!version && !inCi)
  console.warn(
    "rank-sum.r.test.ts: Rscript is not installed, so the comparison with R is skipped; run scripts/install-r.sh (as root) to install Debian's r-base-core.",
  );

const TOLERANCE = 1e-9;

function close(ours: number, theirs: number): boolean {
  if (Number.isNaN(theirs) || Number.isNaN(ours)) return Number.isNaN(theirs) && Number.isNaN(ours);
  if (ours === theirs) return true;
  const diff = Math.abs(ours - theirs);
  return diff <= TOLERANCE || diff <= TOLERANCE * Math.abs(theirs);
}

describe.skipIf(!version && !inCi)("rank-sum test against R's wilcox.test", () => {
  it("has Rscript (scripts/install-r.sh installs Debian's r-base-core)", () => {
    expect(version, "Rscript is missing: run scripts/install-r.sh").toBeDefined();
  });

  it("agrees with R to 1e-9 on every generated sample pair, and fails where R stops", () => {
    const cases = samplePairs();
    const theirs = wilcoxInR(cases);
    const mismatches: string[] = [];
    let compared = 0;
    let refused = 0;
    cases.forEach((c, i) => {
      const r = theirs[i] as OracleOutcome;
      let ours: ReturnType<typeof rankSumTest> | { error: string };
      try {
        ours = rankSumTest(c.x, c.y, c.confLevel);
      } catch (error) {
        if (!(error instanceof RankSumError)) throw error;
        ours = { error: error.message };
      }
      if (!r.ok || "error" in ours) {
        if (r.ok !== !("error" in ours))
          mismatches.push(
            `${c.name}: R ${r.ok ? "computed it" : `stopped (${r.error})`}, Capstan ${"error" in ours ? `refused (${ours.error})` : "computed it"}`,
          );
        else refused++;
        return;
      }
      compared++;
      for (const key of ["statistic", "pValue", "lower", "upper", "estimate"] as const) {
        if (!close(ours[key], r[key])) mismatches.push(`${c.name}: ${key} ${ours[key]} vs R ${r[key]}`);
      }
    });
    expect(mismatches).toEqual([]);
    // Most cases are computable; the refusals are the degenerate ones (empty, single shift).
    expect(compared).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(5);
  }, 240_000);

  it("computes R's normal quantiles and tails exactly", () => {
    const ps = [
      0.5, 0.3, 0.075, 0.0751, 0.07, 0.025, 0.01, 0.005, 1e-5, 1e-10, 1e-12, 1e-20, 0.9, 0.99, 0.9999,
    ];
    const xs = [
      -40, -37, -10, -8.3, -6, -5.7, -3, -1, -0.6744, -0.5, 0, 1e-20, 0.3, 0.6745, 2, 5.6, 5.66, 8, 30,
    ];
    const theirs = rValues([
      ...ps.map((p) => `qnorm(${hexLiteral(p)})`),
      ...ps.map((p) => `qnorm(${hexLiteral(p)}, lower.tail = FALSE)`),
      ...xs.map((x) => `pnorm(${hexLiteral(x)})`),
      ...xs.map((x) => `pnorm(${hexLiteral(x)}, lower.tail = FALSE)`),
    ]);
    const ours = [
      ...ps.map((p) => qnorm(p, true)),
      ...ps.map((p) => qnorm(p, false)),
      ...xs.map((x) => normalTails(x).lower),
      ...xs.map((x) => normalTails(x).upper),
    ];
    const off = ours.map((v, i) => [v, theirs[i]]).filter(([a, b]) => !close(a, b));
    expect(off).toEqual([]);
    // The 98% quantile itself: exact to the bit.
    expect(qnorm(0.01, false)).toBe(theirs[ps.indexOf(0.01) + ps.length]);
  });
});

/** Evaluates R expressions (each one number) in one Rscript run; results as exact doubles. */
function rValues(expressions: string[]): number[] {
  const script = `cat(sprintf("%a", c(${expressions.join(", ")})), sep = "\\n")`;
  const run = spawnSync("Rscript", ["--vanilla", "-e", script], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout.trim().split("\n").map(parseHexFloat);
}

/** A double as an exact R literal. */
function hexLiteral(value: number): string {
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const sign = value < 0 ? "-" : "";
  let v = Math.abs(value);
  let e = 0;
  while (v >= 2) {
    v /= 2;
    e++;
  }
  while (v < 1) {
    v *= 2;
    e--;
  }
  // v in [1, 2): 52 fraction bits as 13 hex digits.
  const fraction = Math.round((v - 1) * 2 ** 52)
    .toString(16)
    .padStart(13, "0");
  return `${sign}0x1.${fraction}p${e}`;
}
